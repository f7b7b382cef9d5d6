"""Set algebra on sorted, merged, half-open intervals of POSIX seconds.

An interval list is sorted by start, and no two intervals overlap or touch; every operation
returns such a list.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from heapq import merge

Interval = tuple[float, float]


def normalize(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, drop empty intervals and merge overlapping or touching ones."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def union(*lists: list[Interval]) -> list[Interval]:
    """The union of interval lists."""
    present = [items for items in lists if items]
    if len(present) <= 1:
        return list(present[0]) if present else []
    out: list[Interval] = []
    for start, end in merge(*present):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def difference(base: list[Interval], cut: list[Interval]) -> list[Interval]:
    """`base` minus `cut`."""
    if not base or not cut:
        return list(base)
    out: list[Interval] = []
    j = 0
    for begin, end in base:
        while j < len(cut) and cut[j][1] <= begin:
            j += 1
        k, start = j, begin
        while k < len(cut) and cut[k][0] < end:
            if cut[k][0] > start:
                out.append((start, cut[k][0]))
            start = max(start, cut[k][1])
            k += 1
        if start < end:
            out.append((start, end))
    return out


def clip(intervals: list[Interval], lo: float, hi: float) -> list[Interval]:
    """The part of `intervals` inside [lo, hi)."""
    out: list[Interval] = []
    for start, end in intervals:
        if end <= lo or start >= hi:
            continue
        out.append((max(start, lo), min(end, hi)))
    return out


def first_change(intervals: list[Interval], t: float, hi: float) -> float | None:
    """The first boundary after `t` in a list computed on a window ending at `hi`.

    An interval ending exactly at `hi` was cut by the window, so its end is no answer.
    """
    i = bisect_right(intervals, (t, float("inf"))) - 1
    if i >= 0 and intervals[i][0] <= t < intervals[i][1]:
        end = intervals[i][1]
        return end if end < hi else None
    nxt = i + 1
    if nxt < len(intervals):
        return intervals[nxt][0]
    return None
