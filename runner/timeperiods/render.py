"""A terminal calendar of a period: one row per day, hours across, in the period's zone.

People check a holiday calendar by looking at it. Each cell is 30 minutes of wall-clock time:
`█` active for the whole cell, `▒` for part of it, `·` inactive, blank where the wall-clock
time does not exist (the spring-forward gap). Days with a DST change are marked at the end
of their row with their length. Pure: returns lines, prints nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from runner.timeperiods.period import TimePeriod

CELL = timedelta(minutes=30)
CELLS = 48
FULL, PART, NONE, GAP = "█", "▒", "·", " "


def _cells(period: TimePeriod, day: date) -> str:
    """The 48 cells of `day`: every minute of the day, filed under its wall-clock half hour.

    Walking the day's instants (23 or 25 hours on DST days) rather than its wall-clock times
    counts a repeated hour twice and leaves the skipped hour empty.
    """
    zone = period.zone
    nxt = day + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone).timestamp()
    segments = [(a.timestamp(), b.timestamp()) for a, b in period.segments(
        datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC))]  # fmt: skip
    total, active = [0] * CELLS, [0] * CELLS
    i = 0
    for t in range(int(start), int(end), 60):
        local = datetime.fromtimestamp(t, zone)
        cell = (local.hour * 60 + local.minute) // 30
        while i < len(segments) and segments[i][1] <= t:
            i += 1
        total[cell] += 1
        active[cell] += i < len(segments) and segments[i][0] <= t
    return "".join(_char(n, a) for n, a in zip(total, active, strict=True))


def _char(total: int, active: int) -> str:
    """The character for a cell with `active` of `total` minutes active."""
    if not total:
        return GAP
    if active == total:
        return FULL
    return PART if active else NONE


def _clock(at: datetime, day: date) -> str:
    """HH:MM of `at` on `day`, `24:00` for the next midnight."""
    return "24:00" if at.date() > day else at.strftime("%H:%M")


def _day_note(period: TimePeriod, day: date) -> tuple[str, str]:
    """(active times of the day, DST mark) for the end of a row."""
    zone = period.zone
    begin = datetime(day.year, day.month, day.day, tzinfo=zone)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone)
    times = [f"{_clock(a, day)}-{_clock(b, day)}" for a, b in period.segments(begin, end)]
    length = end.astimezone(UTC) - begin.astimezone(UTC)
    hours = length.total_seconds() / 3600
    mark = "" if hours == 24 else f"  DST: {hours:g} h day"
    return ", ".join(times) or "-", mark


def header() -> str:
    """The hour ruler above the rows."""
    ruler = "".join(f"{h:<6}" for h in range(0, 24, 3))
    return f"{'':15} {ruler}"


def calendar_lines(period: TimePeriod, first: date, days: int) -> list[str]:
    """The calendar of `days` days from `first` (a day in the period's zone)."""
    lines = [header()]
    for offset in range(days):
        day = first + timedelta(days=offset)
        cells = _cells(period, day)
        times, mark = _day_note(period, day)
        lines.append(f"{day:%a %Y-%m-%d} │{cells}│ {times}{mark}")
    return lines
