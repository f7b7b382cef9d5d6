"""Times and durations as the plan renderers write them (shared by text and Markdown)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from runner.diagnostics import Diagnostic
from runner.durations import format_duration, rough_duration
from runner.plan.model import PlanContext, Segment


def hours(delta: timedelta) -> str:
    """`10h`, `1h30m`, `0h`."""
    return "0h" if delta <= timedelta() else format_duration(delta)


def stamp(at: datetime, zone: str = "UTC") -> str:
    """`Mon 2026-11-23 18:00 CET` in `zone`."""
    return f"{at.astimezone(ZoneInfo(zone)):%a %Y-%m-%d %H:%M %Z}"


def stretch(segment: Segment) -> str:
    """`Mon 2026-11-23 08:00-09:00 CET`, or `Mon 2026-11-23 22:00 - Tue 06:00 CET` across
    midnight (in the segment's own zone)."""
    start, end = segment.start, segment.end
    if start.tzname() != end.tzname():  # across a DST change: say which 02:00 is meant
        return f"{start:%a %Y-%m-%d %H:%M %Z} - {end:%a %Y-%m-%d %H:%M %Z}"
    if start.date() == end.date():
        return f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M} {start:%Z}"
    if end.date() == start.date() + timedelta(days=1) and (end.hour, end.minute) == (0, 0):
        return f"{start:%a %Y-%m-%d %H:%M}-24:00 {start:%Z}"
    return f"{start:%a %Y-%m-%d %H:%M} - {end:%a %Y-%m-%d %H:%M} {end:%Z}"


def since(at: datetime, now: datetime) -> str:
    """`now`, `for 7m` (due since), or `in 3h` for a future instant, rounded down to the
    largest unit (`for 5d`, not `for 5d7h47m25s`)."""
    seconds = int((now - at).total_seconds())
    if seconds == 0:
        return "now"
    words = rough_duration(timedelta(seconds=seconds))  # as `status` writes due times
    return f"for {words}" if seconds > 0 else f"in {words}"


def first_due(at: datetime | None, zone: str, now: datetime) -> str:
    """When an added job first runs: `right after the merge`, a time, or `never`."""
    if at is None:
        return "never (disabled, or its period does not open within 5 years)"
    if at <= now:
        return "right after the merge"
    return stamp(at, zone)


def location(diagnostic: Diagnostic, context: PlanContext) -> str:
    """`jobs.d/a.yaml:4:11` relative to the git top level."""
    where = context.path(diagnostic.file)
    if diagnostic.line is not None:
        where += f":{diagnostic.line}"
        if diagnostic.column is not None:
            where += f":{diagnostic.column}"
    return where


def at_line(context: PlanContext, file: str | None, line: int | None) -> str:
    """`jobs.d/a.yaml:3` (or just the file)."""
    if file is None:
        return context.jobs_dir
    return context.path(file) + (f":{line}" if line else "")
