"""Runs of whole days on which a period's own ranges are constant (for `next_change`).

A period whose own keys cover whole days, or leave whole days free, would otherwise have its
segments built week by week for the five-year horizon before `next_change` can answer `None`.
Classifying calendar days with the keys' cheap day predicates skips such runs: only the last
day of a run needs real segments. The classification is conservative: a day counts as
`FULL` only if an entry matching it runs exactly from 00:00 to 24:00, and as `EMPTY` only if
no entry matches it or the days whose ranges could reach into it.
"""

from __future__ import annotations

from typing import Literal

from runner.timeperiods.own import Entry, OwnSegments
from runner.timeperiods.timevalues import DAY

DayClass = Literal["full", "empty", "mixed"]
_MARGIN = 2
"""Days before the query's day that must share its class (DST and zone shifts stay within)."""


def day_class(entries: list[Entry], day: int) -> DayClass:
    """Whether the entries matching `day` (a local ordinal) cover it whole, not at all, or part."""
    applies = False
    for entry in entries:
        if entry.applies(day):
            if (0, DAY) in entry.ranges:
                return "full"
            applies = True
    return "mixed" if applies else "empty"


def _past_bounds(own: OwnSegments, day: int, stop: int) -> int:
    """Jump over free days no entry can match: before the first or after the last day."""
    if own.first_day is not None and day < own.first_day - 1:
        return own.first_day - 1
    if own.last_day is not None and day > own.last_day + own.reach:
        return stop
    return day


def constant_until(own: OwnSegments, ts: float, limit: float) -> float:
    """An instant `u >= ts` such that the own period does not flip anywhere in `(ts, u]`.

    Returns `ts` itself when the query's day is not part of a uniform run of days. The scan
    stops a day past `limit`, so it costs at most one predicate call per entry and day of the
    horizon, without building any segment.
    """
    entries = own.entries
    day = own.local_day(ts)
    kind = day_class(entries, day)
    if kind == "mixed":
        return ts
    back = _MARGIN + (own.reach if kind == "empty" else 0)
    if any(day_class(entries, d) != kind for d in range(day - back, day)):
        return ts
    last, stop = day, own.local_day(limit) + 1
    while last < stop:
        if kind == "empty":
            last = _past_bounds(own, last, stop)
        if last >= stop or day_class(entries, last + 1) != kind:
            break
        last += 1
    # Whole days day-2 .. last are covered back to back: active until midnight after `last`.
    # Free days: no segment can start before (roughly) midnight of `last`; keep a day apart.
    until = own.instant(last + 1, 0) - 1 if kind == "full" else own.instant(last - 1, 0)
    return max(ts, until)
