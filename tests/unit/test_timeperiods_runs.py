"""Skipping runs of whole or free days in next_change (runner.timeperiods.runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from runner.timeperiods import TimePeriod
from runner.timeperiods.runs import constant_until, day_class

AT = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_day_classes_are_full_empty_or_mixed() -> None:
    """A whole-day entry makes a day full, no entry empty, any other entry mixed."""
    period = TimePeriod({"monday": "00:00-24:00", "tuesday": "09:00-17:00"}, "UTC")
    entries = period._own.entries
    monday = datetime(2026, 11, 23).toordinal()
    assert [day_class(entries, monday + i) for i in range(3)] == ["full", "mixed", "empty"]


def test_a_mixed_day_is_not_skipped() -> None:
    """On a day with partial ranges the scan returns the query instant itself."""
    period = TimePeriod({"wednesday": "09:00-17:00"}, "UTC")
    assert constant_until(period._own, AT.timestamp(), AT.timestamp() + 86400 * 1000) == (
        AT.timestamp()
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Apia"])
def test_every_day_of_every_month_never_changes(zone: str) -> None:
    """`day 1 - -1` all day is always active: next_change is None, found by the day scan."""
    period = TimePeriod({"day 1 - -1": "00:00-24:00"}, zone)
    assert period.is_active(AT)
    assert period.next_change(AT) is None


def test_a_full_run_ends_at_the_midnight_after_it() -> None:
    """Whole days `day 1 - 15` end at local midnight starting the 16th, across DST."""
    period = TimePeriod({"day 1 - 15": "00:00-24:00"}, "Europe/Berlin")
    change = period.next_change(datetime(2026, 3, 2, tzinfo=UTC))
    assert change == datetime(2026, 3, 16, tzinfo=period.zone)


def test_a_free_run_ends_where_the_next_date_begins() -> None:
    """A single far date is found after skipping free days, in the period's zone."""
    period = TimePeriod({"2028-02-29": "22:00-06:00"}, "America/Los_Angeles")
    change = period.next_change(AT)
    assert change == datetime(2028, 2, 29, 22, tzinfo=period.zone)
    assert period.next_change(change) == datetime(2028, 3, 1, 6, tzinfo=period.zone)


def test_samoa_skipped_day_keeps_full_days_contiguous() -> None:
    """Pacific/Apia skipped 2011-12-30; whole days around it stay one active run."""
    period = TimePeriod({"day 25 - 5": "00:00-24:00"}, "Pacific/Apia")
    at = datetime(2011, 12, 26, tzinfo=UTC)
    change = period.next_change(at)
    assert change == datetime(2012, 1, 6, tzinfo=period.zone)
    assert period.is_active(change - timedelta(seconds=1))


def test_a_composition_of_whole_day_periods_skips_runs_too() -> None:
    """Including an always-active `day 1 - -1` period is constant: None, also in another zone."""
    always = TimePeriod({"day 1 - -1": "00:00-24:00"}, "Europe/Berlin")
    composed = TimePeriod({}, "UTC", includes=[always])
    assert composed.kind == "general"
    assert composed.next_change(AT) is None
    holidays = TimePeriod({"december 24 - december 26": "00:00-24:00"}, "Europe/Berlin")
    rest = TimePeriod({}, "UTC", includes=[always], excludes=[holidays], prefer_includes=False)
    assert rest.next_change(AT) == datetime(2026, 12, 24, tzinfo=holidays.zone)
