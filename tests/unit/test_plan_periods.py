"""Interval arithmetic, windows and stretch wording behind the period part of `plan`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from runner.plan.model import Segment
from runner.plan.periods import subtract, window
from runner.plan.words_time import since, stretch

BERLIN = ZoneInfo("Europe/Berlin")


def test_subtract_keeps_only_uncovered_parts() -> None:
    """Subtraction splits, trims and drops spans; touching ends leave nothing behind."""
    assert subtract([(0, 10)], [(2, 3), (5, 6)]) == [(0, 2), (3, 5), (6, 10)]
    assert subtract([(0, 10)], [(-5, 0), (10, 15)]) == [(0, 10)]
    assert subtract([(0, 10), (20, 30)], [(5, 25)]) == [(0, 5), (25, 30)]
    assert subtract([(0, 10)], [(0, 10)]) == []
    assert subtract([], [(0, 1)]) == []


def test_window_is_whole_days_in_the_zone_across_dst() -> None:
    """The window starts at local midnight of today and spans 14 calendar days, DST or not."""
    start, end = window(datetime(2026, 10, 20, 23, 30, tzinfo=UTC), "Europe/Berlin", 14)
    assert start.isoformat() == "2026-10-21T00:00:00+02:00"
    assert end.isoformat() == "2026-11-04T00:00:00+01:00"
    assert (end.timestamp() - start.timestamp()) / 3600 == 14 * 24 + 1


def test_stretch_wording_within_a_day_to_midnight_and_across_days() -> None:
    """Stretches read `Mon ... 08:00-09:00`, end at `24:00`, or name both days."""
    day = Segment(
        datetime(2026, 11, 23, 8, tzinfo=BERLIN), datetime(2026, 11, 23, 9, tzinfo=BERLIN)
    )
    assert stretch(day) == "Mon 2026-11-23 08:00-09:00 CET"
    night = Segment(
        datetime(2026, 11, 23, 22, tzinfo=BERLIN), datetime(2026, 11, 24, tzinfo=BERLIN)
    )
    assert stretch(night) == "Mon 2026-11-23 22:00-24:00 CET"
    long = Segment(
        datetime(2026, 11, 23, 22, tzinfo=BERLIN), datetime(2026, 11, 24, 6, tzinfo=BERLIN)
    )
    assert stretch(long) == "Mon 2026-11-23 22:00 - Tue 2026-11-24 06:00 CET"


def test_stretch_across_a_dst_change_names_both_zones() -> None:
    """Sunday 02:00 CEST to 04:00 CET is three hours: both abbreviations are shown, not
    `02:00-04:00 CEST` (two hours, and the end in the wrong zone)."""
    start = datetime(2026, 10, 25, 0, tzinfo=UTC).astimezone(BERLIN)  # 02:00 CEST
    end = datetime(2026, 10, 25, 3, tzinfo=UTC).astimezone(BERLIN)  # 04:00 CET
    assert stretch(Segment(start, end)) == "Sun 2026-10-25 02:00 CEST - Sun 2026-10-25 04:00 CET"


def test_since_says_now_for_or_in() -> None:
    """Due times read `now`, `for 7m` (overdue) or `in 1h`."""
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert since(now, now) == "now"
    assert since(datetime(2026, 11, 23, 9, 53, tzinfo=UTC), now) == "for 7m"
    assert since(datetime(2026, 11, 23, 11, tzinfo=UTC), now) == "in 1h"
