"""Time values on the calendar (TIMEPERIODS.md §3) and the DST rules of §4."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runner.timeperiods import TimePeriod

BERLIN = ZoneInfo("Europe/Berlin")
LA = ZoneInfo("America/Los_Angeles")


def spans(key: str, value: str, zone: ZoneInfo, first: datetime, days: int = 3) -> list[tuple]:
    """The segments of a one-entry period over `days` days from `first`, as UTC pairs."""
    period = TimePeriod({key: value}, zone.key)
    found = period.segments(first, first + timedelta(days=days))
    return [(b.astimezone(UTC), e.astimezone(UTC)) for b, e in found]


def utc(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


def test_whole_day_with_2400() -> None:
    """`00:00-24:00` is the whole calendar day in the zone."""
    got = spans("2026-06-10", "00:00-24:00", BERLIN, utc(2026, 6, 8))
    assert got == [(utc(2026, 6, 9, 22), utc(2026, 6, 10, 22))]


def test_cross_midnight_is_produced_by_the_starting_day() -> None:
    """`22:00-06:00` runs from D 22:00 to D+1 06:00 and is produced by D's key alone."""
    got = spans("2026-06-10", "22:00-06:00", BERLIN, utc(2026, 6, 8), days=5)
    assert got == [(utc(2026, 6, 10, 20), utc(2026, 6, 11, 4))]


@pytest.mark.parametrize("value", ["00:00-00:00", "10:00-10:00"])
def test_equal_ends_are_a_full_24_hours(value: str) -> None:
    """A value whose start equals its end is a full 24-hour span, as in Icinga 2."""
    [(begin, end)] = spans("2026-06-10", value, BERLIN, utc(2026, 6, 8), days=5)
    assert end - begin == timedelta(hours=24)


def test_2400_to_2400_is_the_whole_next_day() -> None:
    """`24:00-24:00` is the whole of D+1."""
    got = spans("2026-06-10", "24:00-24:00", BERLIN, utc(2026, 6, 8), days=5)
    assert got == [(utc(2026, 6, 10, 22), utc(2026, 6, 11, 22))]


def test_overflowing_hours_carry_into_the_next_day() -> None:
    """`25:00-26:00` is D+1 01:00 to 02:00."""
    got = spans("2026-06-10", "25:00-26:00", BERLIN, utc(2026, 6, 8), days=5)
    assert got == [(utc(2026, 6, 10, 23), utc(2026, 6, 11, 0))]


def test_several_ranges_in_one_value() -> None:
    """`,` joins ranges; touching ranges of different keys merge into one segment."""
    period = TimePeriod({"monday": "08:00-12:00,13:00-17:00", "day 1": "12:00-13:00"}, "UTC")
    got = period.segments(utc(2026, 6, 1), utc(2026, 6, 2))
    assert got == [(utc(2026, 6, 1, 8), utc(2026, 6, 1, 17))]


def test_spring_forward_day_is_23_hours_in_berlin() -> None:
    """On 2021-03-28 `00:00-24:00` lasts 23 hours in Europe/Berlin."""
    [(begin, end)] = spans("2021-03-28", "00:00-24:00", BERLIN, utc(2021, 3, 26))
    assert end - begin == timedelta(hours=23)


def test_fall_back_day_is_25_hours_in_berlin() -> None:
    """On 2021-10-31 `00:00-24:00` lasts 25 hours in Europe/Berlin."""
    [(begin, end)] = spans("2021-10-31", "00:00-24:00", BERLIN, utc(2021, 10, 29))
    assert end - begin == timedelta(hours=25)


def test_gap_time_is_read_with_the_offset_before_the_jump() -> None:
    """Berlin 2021-03-28 02:30 does not exist and means 03:30 CEST (01:30 UTC)."""
    got = spans("2021-03-28", "02:30-05:00", BERLIN, utc(2021, 3, 26))
    assert got == [(utc(2021, 3, 28, 1, 30), utc(2021, 3, 28, 3))]
    assert got[0][0].astimezone(BERLIN).hour == 3


def test_segment_emptied_by_the_gap_is_dropped() -> None:
    """`02:30-03:00` on the spring-forward day becomes empty and is dropped."""
    assert spans("2021-03-28", "02:30-03:00", BERLIN, utc(2021, 3, 26)) == []
    assert spans("2021-03-14", "02:30-03:30", LA, utc(2021, 3, 12)) == []


def test_repeated_time_means_its_first_occurrence_in_berlin() -> None:
    """Berlin 2021-10-31 02:30 exists twice; the first (CEST) is meant."""
    got = spans("2021-10-31", "02:30-03:00", BERLIN, utc(2021, 10, 29))
    assert got == [(utc(2021, 10, 31, 0, 30), utc(2021, 10, 31, 2))]


def test_repeated_time_means_its_first_occurrence_in_los_angeles() -> None:
    """LA 2021-11-07 01:30 is read as PDT, so `01:30-02:00` lasts 90 minutes."""
    got = spans("2021-11-07", "01:30-02:00", LA, utc(2021, 11, 5))
    assert got == [(utc(2021, 11, 7, 8, 30), utc(2021, 11, 7, 10))]


def test_los_angeles_gap() -> None:
    """LA 2021-03-14 02:30 means 03:30 PDT (10:30 UTC)."""
    got = spans("2021-03-14", "02:30-04:00", LA, utc(2021, 3, 12))
    assert got == [(utc(2021, 3, 14, 10, 30), utc(2021, 3, 14, 11))]


def test_business_hours_keep_wall_clock_across_dst() -> None:
    """09:00-17:00 stays 09:00-17:00 local on both sides of the Berlin change."""
    period = TimePeriod({"monday - friday": "09:00-17:00"}, "Europe/Berlin")
    got = period.segments(utc(2021, 3, 26), utc(2021, 3, 30))
    assert [(b.hour, e.hour, b.utcoffset()) for b, e in got] == [
        (9, 17, timedelta(hours=1)),
        (9, 17, timedelta(hours=2)),
    ]


def test_segments_are_in_the_period_zone_and_clipped() -> None:
    """segments() clips to the window and returns datetimes in the period's zone."""
    period = TimePeriod({"monday": "09:00-17:00"}, "Europe/Berlin")
    start = datetime(2026, 11, 30, 12, 0, tzinfo=LA)  # 21:00 Berlin, after the segment
    assert period.segments(start, start + timedelta(days=1)) == []
    start = datetime(2026, 11, 30, 10, 30, 15, 7, tzinfo=BERLIN)
    [(begin, end)] = period.segments(start, start + timedelta(hours=1))
    assert (begin, end) == (start, start + timedelta(hours=1))
    assert begin.tzinfo is BERLIN


def test_segments_of_an_empty_window() -> None:
    """A window whose end is not after its start has no segments."""
    period = TimePeriod({"monday": "00:00-24:00"}, "UTC")
    assert period.segments(utc(2026, 11, 30, 12), utc(2026, 11, 30, 12)) == []
