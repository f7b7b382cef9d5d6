"""Invariants of TimePeriod over generated periods, zones and instants (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.timeperiods import HORIZON, TimePeriod

ZONES = ("UTC", "Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kolkata")
KEYS = (
    "monday", "friday - monday", "saturday - sunday", "day -1", "day 25 - 5", "monday 2",
    "thursday -1", "february 29", "november 1 - february 28", "2026-03-29", "sunday -1 march",
    "monday 1 - thursday 4", "day 1 - 31 / 3", "2021-03-01 - 2031-12-31 / 10", "day 31",
)  # fmt: skip
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

times = st.builds(
    lambda h, m: f"{h:02}:{m:02}",
    st.integers(0, 24),
    st.sampled_from([0, 0, 15, 30, 59]),
)
values = st.lists(st.builds(lambda a, b: f"{a}-{b}", times, times), min_size=1, max_size=2).map(
    ",".join
)
ranges = st.dictionaries(st.sampled_from(KEYS), values, max_size=3)
zones = st.sampled_from(ZONES)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2031, 12, 31),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
)


def _transition(year: int, which: int) -> datetime:
    """A DST change in UTC: Berlin's in March/October, Los Angeles' in March/November."""
    month, sunday, hour = [(3, -1, 1), (10, -1, 1), (3, 2, 10), (11, 1, 9)][which]
    days = [datetime(year, month, d, tzinfo=UTC) for d in range(1, 32) if _exists(year, month, d)]
    sundays = [d for d in days if d.weekday() == 6]
    return sundays[sunday if sunday < 0 else sunday - 1].replace(hour=hour)


def _exists(year: int, month: int, day: int) -> bool:
    """True if the date exists."""
    try:
        datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return False
    return True


near_changes = st.builds(
    lambda year, which, minutes, zone: (
        _transition(year, which) + timedelta(minutes=minutes)
    ).astimezone(ZoneInfo(zone)),
    st.integers(2020, 2031),
    st.integers(0, 3),
    st.integers(-36 * 60, 36 * 60),
    zones,
)
instants = st.one_of(instants, near_changes)


def _utc(at: datetime | None) -> datetime | None:
    """`at` in UTC: across zones, `==` is False for a repeated wall time with fold=1 (PEP 495)."""
    return None if at is None else at.astimezone(UTC)


@st.composite
def periods(draw: st.DrawFn, depth: int = 2) -> TimePeriod:
    """A period with random ranges and zone, possibly composed with others."""
    children = st.lists(periods(depth - 1), max_size=2) if depth > 0 else st.just([])
    return TimePeriod(
        draw(ranges),
        draw(zones),
        includes=draw(children),
        excludes=draw(children),
        prefer_includes=draw(st.booleans()),
    )


@SETTINGS
@given(periods(), instants, st.lists(st.floats(0, 1), max_size=4))
def test_is_active_is_constant_until_next_change(
    period: TimePeriod, at: datetime, fractions: list[float]
) -> None:
    """is_active does not change on [t, next_change(t)) and flips at next_change(t)."""
    state = period.is_active(at)
    change = period.next_change(at)
    # in UTC: adding a timedelta to a zoned datetime is wall-clock arithmetic, which across a
    # DST fold lands an hour off in absolute time
    start = at.astimezone(UTC)
    end = change if change is not None else start + timedelta(days=40)
    assert change is None or change > at
    for fraction in fractions:
        assert period.is_active(start + (end - start) * fraction * 0.999999) == state
    if change is not None:
        assert period.is_active(change.astimezone(UTC) - timedelta(microseconds=1)) == state
        assert period.is_active(change) != state


@SETTINGS
@given(periods(), instants, st.integers(1, 20 * 24))
def test_segments_are_sorted_disjoint_and_agree_with_is_active(
    period: TimePeriod, at: datetime, hours: int
) -> None:
    """segments are sorted, non-touching, clipped, in the period's zone, and match is_active."""
    end = at + timedelta(hours=hours)
    found = period.segments(at, end)
    previous_end = None
    for begin, finish in found:
        assert at <= begin < finish <= end
        assert begin.tzinfo == period.zone
        assert previous_end is None or previous_end < begin
        assert period.is_active(begin)
        previous_end = finish
    for _, finish in found:
        assert not period.is_active(finish) or finish == end


@SETTINGS
@given(periods(depth=1), periods(depth=1), instants)
def test_excluded_instants_are_never_active_without_prefer_includes(
    own: TimePeriod, cut: TimePeriod, at: datetime
) -> None:
    """With prefer_includes false, an instant in an exclude is never active."""
    period = TimePeriod({"monday - sunday": "08:00-20:00"}, "Europe/Berlin", includes=[own],
                        excludes=[cut], prefer_includes=False)  # fmt: skip
    if cut.is_active(at):
        assert not period.is_active(at)


@SETTINGS
@given(periods(), instants)
def test_including_a_period_into_an_empty_one_equals_it(period: TimePeriod, at: datetime) -> None:
    """`includes=[A]` of an empty period behaves exactly like A."""
    wrapper = TimePeriod({}, "Asia/Kolkata", includes=[period])
    assert wrapper.is_active(at) == period.is_active(at)
    assert _utc(wrapper.next_change(at)) == _utc(period.next_change(at))
    window = (at, at + timedelta(days=3))
    assert [(b.astimezone(UTC), e.astimezone(UTC)) for b, e in wrapper.segments(*window)] == [
        (b.astimezone(UTC), e.astimezone(UTC)) for b, e in period.segments(*window)
    ]


@SETTINGS
@given(periods(), instants, zones)
def test_answers_do_not_depend_on_the_query_zone(
    period: TimePeriod, at: datetime, zone: str
) -> None:
    """The same instant expressed in another zone gets the same answers."""
    other = at.astimezone(ZoneInfo(zone))
    assert period.is_active(other) == period.is_active(at)
    assert _utc(period.next_change(other)) == _utc(period.next_change(at))


def oracle(period_ranges: dict[str, str], zone: str, at: datetime) -> bool:
    """is_active computed the slow way: every day near `at`, every entry, datetime arithmetic."""
    from runner.timeperiods.daykeys import parse_day_key
    from runner.timeperiods.matching import predicate
    from runner.timeperiods.timevalues import parse_time_value

    tz = ZoneInfo(zone)
    today = at.astimezone(tz).date()
    for back in range(7):
        day = today - timedelta(days=back)
        midnight = datetime(day.year, day.month, day.day)
        for key, value in period_ranges.items():
            if not predicate(parse_day_key(key))(day.toordinal()):
                continue
            for item in parse_time_value(value):
                begin = (midnight + timedelta(seconds=item.start)).replace(tzinfo=tz)
                end = (midnight + timedelta(seconds=item.end)).replace(tzinfo=tz)
                if begin.timestamp() <= at.timestamp() < end.timestamp():
                    return True
    return False


@SETTINGS
@given(ranges, zones, instants)
def test_is_active_equals_a_slow_oracle(
    period_ranges: dict[str, str], zone: str, at: datetime
) -> None:
    """Block caching, merging and the arithmetic fast path agree with plain datetime math."""
    assert TimePeriod(period_ranges, zone).is_active(at) == oracle(period_ranges, zone, at)


whole_days = st.dictionaries(
    st.sampled_from((*KEYS, "day 1 - -1", "day -3 - 2", "2026-03-20 - 2026-04-10")),
    st.sampled_from(["00:00-24:00", "00:00-24:00", "00:00-00:00", "22:00-06:00", "09:00-17:00"]),
    max_size=3,
)


@SETTINGS
@given(whole_days, st.sampled_from((*ZONES, "Pacific/Apia")), instants)
def test_skipping_whole_day_runs_finds_the_same_next_change(
    period_ranges: dict[str, str], zone: str, at: datetime
) -> None:
    """next_change skipping runs of whole or free days equals the window-by-window search."""
    period = TimePeriod(period_ranges, zone)
    composed = TimePeriod(
        {}, "UTC", includes=[period], excludes=[TimePeriod({"monday 5": "09:00-10:00"}, zone)]
    )
    for tested in (period, composed):
        assert _utc(tested.next_change(at)) == _utc(_change_from_segments(tested, at))


def _change_from_segments(period: TimePeriod, at: datetime) -> datetime | None:
    """next_change computed from five years of segments (no day skipping)."""
    end = at + HORIZON
    pieces = period.segments(at, end)
    if not pieces:
        return None
    begin, finish = pieces[0]
    if begin > at:
        return begin
    return finish if finish < end else None
