"""What can be known about a composed period without evaluating it (TIMEPERIODS.md §5).

A period is `empty` (never active), `full` (always active) or `general`. Knowing this lets
`next_change` answer at once for never-active compositions such as `excludes: [24x7]`,
instead of scanning five years.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from runner.timeperiods.daykeys import DayKey
from runner.timeperiods.dayspec import Weekday
from runner.timeperiods.timevalues import DAY, TimeRange

Kind = Literal["empty", "full", "general"]


def own_kind(entries: Sequence[tuple[DayKey, tuple[TimeRange, ...]]]) -> Kind:
    """`empty` without entries; `full` if every weekday has a whole-day weekday entry.

    A whole day is a range from 00:00 to exactly the next midnight (`00:00-24:00`,
    `00:00-00:00`): consecutive days then touch at the same instant, whatever the zone does.
    """
    if not entries:
        return "empty"
    covered: set[int] = set()
    for key, ranges in entries:
        if not any(r.start == 0 and r.end == DAY for r in ranges) or key.step != 1:
            continue
        first, last = key.first, key.last
        if isinstance(first, Weekday) and last is None:
            covered.add(first.weekday)
        elif isinstance(first, Weekday) and isinstance(last, Weekday):
            span = (last.weekday - first.weekday) % 7
            covered.update((first.weekday + i) % 7 for i in range(span + 1))
    return "full" if len(covered) == 7 else "general"


def composed_kind(own: Kind, includes: Sequence[Kind], excludes: Sequence[Kind], *,
                  prefer_includes: bool) -> Kind:  # fmt: skip
    """The kind of `(own - excludes) | includes` or `(own | includes) - excludes`."""
    if prefer_includes:
        if "full" in includes:
            return "full"
        kept = "empty" if own == "empty" or "full" in excludes else own
        if kept == "full" and any(k != "empty" for k in excludes):
            kept = "general"
        return _union_kind([kept, *includes])
    if "full" in excludes:
        return "empty"
    joined = _union_kind([own, *includes])
    if joined == "full" and any(k != "empty" for k in excludes):
        return "general"
    return joined


def _union_kind(kinds: Sequence[Kind]) -> Kind:
    """The kind of a union."""
    if "full" in kinds:
        return "full"
    return "empty" if all(k == "empty" for k in kinds) else "general"
