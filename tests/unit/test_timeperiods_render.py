"""The terminal calendar of a period: cells, times, DST marks."""

from __future__ import annotations

from datetime import date

from runner.timeperiods import TimePeriod
from runner.timeperiods.render import calendar_lines, header

NIGHT = {"monday - friday": "09:00-17:00", "saturday": "22:00-02:30"}


def row(zone: str, day: date) -> str:
    """The calendar row of `day` for the NIGHT period in `zone`."""
    return calendar_lines(TimePeriod(NIGHT, zone), day, 1)[1]


def cells(line: str) -> str:
    """The 48 cells between the bars of a row."""
    return line.split("│")[1]


def test_business_day_row() -> None:
    """A weekday shows 09:00-17:00 as 16 full cells and lists the times."""
    line = row("Europe/Berlin", date(2026, 11, 30))
    assert line.startswith("Mon 2026-11-30 │")
    assert cells(line) == "·" * 18 + "█" * 16 + "·" * 14
    assert line.endswith("│ 09:00-17:00")


def test_spring_forward_day_leaves_the_gap_blank_and_is_marked() -> None:
    """The skipped hour is blank and the row says the day has 23 hours."""
    line = row("Europe/Berlin", date(2021, 3, 28))
    assert cells(line)[:8] == "████  █·"
    assert line.endswith("00:00-03:30  DST: 23 h day")


def test_fall_back_day_shows_the_repeated_half_hour_as_partial() -> None:
    """02:00-02:30 happens twice in Berlin; only the first is active, so the cell is partial."""
    line = row("Europe/Berlin", date(2021, 10, 31))
    assert cells(line)[:6] == "████▒·"
    assert line.endswith("DST: 25 h day")


def test_inactive_day_and_header() -> None:
    """A day without activity shows dots and `-`; the ruler marks every third hour."""
    lines = calendar_lines(TimePeriod({}, "UTC"), date(2026, 1, 1), 2)
    assert lines[0] == header()
    assert header().split() == ["0", "3", "6", "9", "12", "15", "18", "21"]
    assert lines[1] == "Thu 2026-01-01 │" + "·" * 48 + "│ -"
    assert len(lines) == 3


def test_whole_day_ends_at_2400() -> None:
    """A whole-day segment is listed as 00:00-24:00."""
    line = calendar_lines(TimePeriod({"day 1": "00:00-24:00"}, "UTC"), date(2026, 1, 1), 1)[1]
    assert line.endswith("│ 00:00-24:00")
    assert cells(line) == "█" * 48
