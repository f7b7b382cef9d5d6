"""TimePeriod API (SPEC §6): construction errors, is_active, next_change, includes/excludes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runner.timeperiods import HORIZON, RangeSyntaxError, TimePeriod

BERLIN = ZoneInfo("Europe/Berlin")
ALL_WEEK = {"monday - sunday": "00:00-24:00"}


def utc(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


def business() -> TimePeriod:
    """Mon-Fri 09:00-17:00 in Berlin."""
    return TimePeriod({"monday - friday": "09:00-17:00"}, "Europe/Berlin", name="business")


def test_bad_range_raises_range_syntax_error_naming_the_period() -> None:
    """A malformed key raises RangeSyntaxError (a ValueError) naming period and key."""
    with pytest.raises(RangeSyntaxError) as caught:
        TimePeriod({"monday": "09:00-17:00", "day 0": "09:00-17:00"}, "UTC", name="p")
    assert isinstance(caught.value, ValueError)
    assert "time period 'p': day key 'day 0'" in str(caught.value)
    assert caught.value.finding.offset == 4


def test_bad_value_raises_and_names_the_value() -> None:
    """A malformed value raises RangeSyntaxError showing the value and its key."""
    with pytest.raises(RangeSyntaxError, match="time value of day key 'monday'"):
        TimePeriod({"monday": "09:00-17:00;18:00-19:00"}, "UTC")


def test_warnings_do_not_prevent_construction() -> None:
    """Entries that only warn (`monday 5`, `00:00-00:00`) build fine."""
    assert TimePeriod({"monday 5": "00:00-00:00"}, "UTC").kind == "general"


def test_unknown_zone_is_a_clear_value_error() -> None:
    """An unknown zone name raises ValueError saying what to write."""
    with pytest.raises(ValueError, match=r"unknown time zone 'Europe/Berlinn'.*IANA"):
        TimePeriod({}, "Europe/Berlinn", name="x")
    with pytest.raises(ValueError, match="unknown time zone"):
        TimePeriod({}, "../etc/passwd")


def test_naive_datetimes_are_refused() -> None:
    """is_active, segments and next_change refuse naive datetimes."""
    period = business()
    naive = datetime(2026, 11, 30, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        period.is_active(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        period.next_change(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        period.segments(naive, naive)


def test_is_active_is_half_open() -> None:
    """Active on [09:00, 17:00): at 09:00 yes, at 17:00 no, in any zone of the query."""
    period = business()
    assert period.is_active(datetime(2026, 11, 30, 9, tzinfo=BERLIN))
    assert not period.is_active(datetime(2026, 11, 30, 17, tzinfo=BERLIN))
    assert not period.is_active(datetime(2026, 11, 30, 8, 59, 59, 999999, tzinfo=BERLIN))
    assert period.is_active(utc(2026, 11, 30, 15, 59, 59))


def test_next_change_from_inside_and_outside() -> None:
    """next_change finds the end of the current segment or the start of the next one."""
    period = business()
    assert period.next_change(datetime(2026, 11, 30, 10, tzinfo=BERLIN)) == datetime(
        2026, 11, 30, 17, tzinfo=BERLIN
    )
    friday_evening = datetime(2026, 11, 27, 17, tzinfo=BERLIN)
    assert period.next_change(friday_evening) == datetime(2026, 11, 30, 9, tzinfo=BERLIN)


def test_next_change_is_strictly_after() -> None:
    """At a boundary, next_change returns the following boundary, not the same instant."""
    at = datetime(2026, 11, 30, 9, tzinfo=BERLIN)
    assert business().next_change(at) == datetime(2026, 11, 30, 17, tzinfo=BERLIN)


def test_next_change_far_away_and_beyond_the_horizon() -> None:
    """A change four years ahead is found; one beyond five years is None."""
    once = TimePeriod({"2030-06-01": "10:00-11:00"}, "UTC")
    assert once.next_change(utc(2026, 6, 1)) == utc(2030, 6, 1, 10)
    assert once.next_change(utc(2024, 1, 1)) is None
    assert once.next_change(utc(2030, 6, 1, 11)) is None
    assert timedelta(days=5 * 365 + 1) <= HORIZON


def test_empty_period_is_never_active() -> None:
    """An empty `ranges` is valid and never active; next_change is None."""
    period = TimePeriod({}, "UTC")
    assert not period.is_active(utc(2026, 1, 1))
    assert period.next_change(utc(2026, 1, 1)) is None
    assert period.segments(utc(2026, 1, 1), utc(2026, 2, 1)) == []


def test_24x7_is_always_active_without_changes() -> None:
    """A 24x7 period is active everywhere and never changes."""
    period = TimePeriod(ALL_WEEK, "Europe/Berlin")
    assert period.kind == "full"
    assert period.is_active(utc(2021, 3, 28, 1, 30))
    assert period.next_change(utc(2021, 3, 27)) is None
    assert period.segments(utc(2021, 3, 27), utc(2021, 4, 3)) == [
        (utc(2021, 3, 27).astimezone(BERLIN), utc(2021, 4, 3).astimezone(BERLIN))
    ]


def test_exclusion_sharing_an_endpoint_is_honoured() -> None:
    """An exclude that shares one endpoint with a segment still cuts it (Icinga 2 ignores it)."""
    lunch = TimePeriod({"monday - friday": "09:00-12:00"}, "Europe/Berlin")
    period = TimePeriod(
        {"monday - friday": "09:00-17:00"}, "Europe/Berlin", excludes=[lunch], name="afternoons"
    )
    monday = datetime(2026, 11, 30, tzinfo=BERLIN)
    assert period.segments(monday, monday + timedelta(days=1)) == [
        (monday.replace(hour=12), monday.replace(hour=17))
    ]


def test_prefer_includes_decides_overlaps() -> None:
    """prefer_includes true: (own - ex) | in; false: (own | in) - ex."""
    own = {"monday": "09:00-17:00"}
    evening = TimePeriod({"monday": "16:00-20:00"}, "UTC")
    noon = TimePeriod({"monday": "12:00-18:00"}, "UTC")
    prefer = TimePeriod(own, "UTC", includes=[evening], excludes=[noon])
    strict = TimePeriod(own, "UTC", includes=[evening], excludes=[noon], prefer_includes=False)
    day = utc(2026, 11, 30)
    assert prefer.segments(day, day + timedelta(days=1)) == [
        (day + timedelta(hours=9), day + timedelta(hours=12)),
        (day + timedelta(hours=16), day + timedelta(hours=20)),
    ]
    assert strict.segments(day, day + timedelta(days=1)) == [
        (day + timedelta(hours=9), day + timedelta(hours=12)),
        (day + timedelta(hours=18), day + timedelta(hours=20)),
    ]


def test_nesting_three_levels_deep() -> None:
    """Composition nests: holidays excluded from business hours, included again elsewhere."""
    holidays = TimePeriod({"2026-12-24": "00:00-24:00", "december 25": "00:00-24:00"}, "UTC")
    work = TimePeriod({"monday - friday": "09:00-17:00"}, "UTC", excludes=[holidays])
    on_call = TimePeriod({}, "UTC", includes=[work], excludes=[holidays], prefer_includes=False)
    top = TimePeriod({}, "UTC", includes=[on_call])
    assert top.is_active(utc(2026, 12, 23, 10))
    assert not top.is_active(utc(2026, 12, 24, 10))
    assert top.next_change(utc(2026, 12, 23, 18)) == utc(2026, 12, 28, 9)


def test_never_active_compositions_are_known_at_once() -> None:
    """`includes: [24x7], excludes: [24x7], prefer_includes: false` is never active."""
    full = TimePeriod(ALL_WEEK, "UTC")
    never = TimePeriod({}, "UTC", includes=[full], excludes=[full], prefer_includes=False)
    assert never.kind == "empty"
    assert not never.is_active(utc(2026, 1, 1))
    assert never.next_change(utc(2026, 1, 1)) is None
    assert TimePeriod({"monday": "09:00-10:00"}, "UTC", excludes=[full]).kind == "empty"
    assert TimePeriod({}, "UTC", includes=[full]).kind == "full"


def test_general_never_active_composition_scans_to_the_horizon() -> None:
    """A composition that is empty only by evaluation still answers None for next_change."""
    work = TimePeriod({"monday - friday": "09:00-17:00"}, "UTC")
    wider = TimePeriod({"monday - friday": "08:00-18:00"}, "UTC")
    never = TimePeriod({}, "UTC", includes=[work], excludes=[wider], prefer_includes=False)
    assert never.kind == "general"
    assert never.next_change(utc(2026, 1, 1)) is None


def test_including_and_excluding_the_same_period_is_known_empty() -> None:
    """`includes: [a], excludes: [a]` without own ranges is known never active."""
    work = TimePeriod({"monday - friday": "09:00-17:00"}, "UTC")
    never = TimePeriod({}, "UTC", includes=[work], excludes=[work], prefer_includes=False)
    assert never.kind == "empty"
    assert TimePeriod({}, "UTC", includes=[work], excludes=[work]).kind == "general"


def test_dst_instants_in_los_angeles_next_change() -> None:
    """next_change across the LA fall-back day finds the end of the 25-hour day."""
    period = TimePeriod({"2021-11-07": "00:00-24:00"}, "America/Los_Angeles")
    start = utc(2021, 11, 7, 7)  # 00:00 PDT
    end = period.next_change(start)
    assert end is not None
    assert end - start == timedelta(hours=25)


def test_including_and_excluding_identical_definitions_is_known_empty() -> None:
    """Two separately built but identical periods cancel out: never active, no scan."""
    work = {"monday - friday": "09:00-17:00"}
    a, b = TimePeriod(work, "Europe/Berlin"), TimePeriod(work, "Europe/Berlin", name="copy")
    never = TimePeriod({}, "UTC", includes=[a], excludes=[b], prefer_includes=False)
    assert never.kind == "empty"
    assert never.next_change(datetime(2026, 11, 23, 10, tzinfo=UTC)) is None


def test_same_ranges_in_another_zone_do_not_cancel_out() -> None:
    """Equal ranges in different zones are different instants: the difference stays active."""
    work = {"monday - friday": "09:00-17:00"}
    berlin, utc = TimePeriod(work, "Europe/Berlin"), TimePeriod(work, "UTC")
    rest = TimePeriod({}, "UTC", includes=[utc], excludes=[berlin], prefer_includes=False)
    assert rest.kind == "general"
    assert rest.is_active(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    assert not rest.is_active(datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
