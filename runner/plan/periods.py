"""Time periods added, removed and changed, with the hours gained and lost in a window.

The window is `WINDOW_DAYS` calendar days in the period's zone, from the start of the day
that holds `now`: whole days, so that a weekly pattern counts the same whatever the hour of
the review. Arithmetic is on UTC instants (two datetimes sharing a zone compare by wall
clock, which is wrong across a DST change); results are shown in the head's zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from runner.model import Definitions, TimePeriodDef
from runner.plan.model import FieldChange, PeriodChange, PeriodSummary, Segment, where
from runner.planner import Period

Span = tuple[float, float]


def window(now: datetime, zone: str, days: int) -> tuple[datetime, datetime]:
    """[start of today, start of today + days) in `zone`, as aware datetimes in that zone."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    start = datetime.combine(today, time(0), tzinfo=tz)
    return start, datetime.combine(today + timedelta(days=days), time(0), tzinfo=tz)


def spans(period: Period | None, start: datetime, end: datetime) -> list[Span]:
    """The period's active stretches in [start, end) as POSIX seconds."""
    if period is None:
        return []
    return [(a.timestamp(), b.timestamp()) for a, b in period.segments(start, end)]


def subtract(these: list[Span], those: list[Span]) -> list[Span]:
    """The parts of sorted, disjoint `these` not covered by sorted, disjoint `those`."""
    result: list[Span] = []
    for lo, hi in these:
        at = lo
        for b_lo, b_hi in those:
            if b_hi <= at or b_lo >= hi:
                continue
            if b_lo > at:
                result.append((at, b_lo))
            at = max(at, b_hi)
        if at < hi:
            result.append((at, hi))
    return result


def _segments(found: list[Span], zone: str) -> tuple[Segment, ...]:
    tz = ZoneInfo(zone)
    return tuple(
        Segment(datetime.fromtimestamp(a, tz), datetime.fromtimestamp(b, tz)) for a, b in found
    )


def _ranges(old: TimePeriodDef, new: TimePeriodDef) -> Iterator[FieldChange]:
    a, b = dict(old.ranges), dict(new.ranges)
    for key in sorted(set(a) | set(b)):
        field = f"ranges.{key}"
        if key not in b:
            yield FieldChange(field, a[key], None, f"{key}: {a[key]} removed")
        elif key not in a:
            yield FieldChange(field, None, b[key], f"{key}: {b[key]} added")
        elif a[key] != b[key]:
            yield FieldChange(field, a[key], b[key], f"{key}: {a[key]} -> {b[key]}")


def _names(kind: str, old: tuple[str, ...], new: tuple[str, ...]) -> Iterator[FieldChange]:
    gone, came = sorted(set(old) - set(new)), sorted(set(new) - set(old))
    if gone or came:
        words = [f"+{n}" for n in came] + [f"-{n}" for n in gone]
        yield FieldChange(kind, ", ".join(old), ", ".join(new), f"{kind} {' '.join(words)}")


def period_changes(old: TimePeriodDef, new: TimePeriodDef) -> tuple[FieldChange, ...]:
    """Every difference between two versions of a period's definition, in words."""
    found = list(_ranges(old, new))
    if old.timezone != new.timezone:
        text = f"timezone {old.timezone} -> {new.timezone}"
        found.append(FieldChange("timezone", old.timezone, new.timezone, text))
    found += _names("includes", old.includes, new.includes)
    found += _names("excludes", old.excludes, new.excludes)
    if old.prefer_includes != new.prefer_includes:
        a, b = str(old.prefer_includes).lower(), str(new.prefer_includes).lower()
        found.append(FieldChange("prefer_includes", a, b, f"prefer_includes {a} -> {b}"))
    if old.display_name != new.display_name:
        found.append(
            FieldChange("display_name", old.display_name, new.display_name, "display_name changed")
        )
    return tuple(found)


def _summary(defs: Definitions, name: str, now: datetime, days: int) -> PeriodSummary:
    spec = defs.timeperiod_defs[name]
    start, end = window(now, spec.timezone, days)
    active = sum(b - a for a, b in spans(defs.timeperiods.get(name), start, end))
    file, line = where(spec.source)
    return PeriodSummary(name, spec.timezone, file, line, timedelta(seconds=active))


def _moved(base: Definitions, head: Definitions) -> set[str]:
    """Names of periods defined at both revisions whose instants differ."""
    moved = set()
    for name in set(base.timeperiods) & set(head.timeperiods):
        if base.timeperiods[name].signature != head.timeperiods[name].signature:
            moved.add(name)
    return moved


def _through(spec: TimePeriodDef, moved: set[str]) -> FieldChange:
    names = [n for n in (*spec.includes, *spec.excludes) if n in moved]
    text = f"changed through {', '.join(names)}" if names else "changed through its references"
    return FieldChange("includes", None, None, text)


def _change(
    base: Definitions, head: Definitions, name: str, *, now: datetime, days: int, moved: set[str]
) -> PeriodChange | None:
    old, new = base.timeperiod_defs[name], head.timeperiod_defs[name]
    changes = period_changes(old, new)
    before, after = base.timeperiods.get(name), head.timeperiods.get(name)
    same = before is not None and after is not None and before.signature == after.signature
    if same and not changes:
        return None
    gained: list[Span] = []
    lost: list[Span] = []
    if before is not None and after is not None and not same:
        start, end = window(now, new.timezone, days)
        was, now_spans = spans(before, start, end), spans(after, start, end)
        gained, lost = subtract(now_spans, was), subtract(was, now_spans)
    if not changes:
        changes = (_through(new, moved),)
    jobs = tuple(sorted(j.name for j in head.jobs.values() if j.timeperiod == name))
    file, line = where(new.source)
    return PeriodChange(
        name, new.timezone, file, line, changes,
        _segments(gained, new.timezone), _segments(lost, new.timezone), jobs,
    )  # fmt: skip


def diff_periods(
    base: Definitions, head: Definitions, now: datetime, days: int
) -> tuple[list[PeriodSummary], list[PeriodSummary], list[PeriodChange]]:
    """Periods added, removed and changed between `base` and `head`, by name."""
    a, b = set(base.timeperiod_defs), set(head.timeperiod_defs)
    added = [_summary(head, n, now, days) for n in sorted(b - a)]
    removed = [_summary(base, n, now, days) for n in sorted(a - b)]
    moved = _moved(base, head)
    changed = [_change(base, head, n, now=now, days=days, moved=moved) for n in sorted(a & b)]
    return added, removed, [c for c in changed if c is not None]
