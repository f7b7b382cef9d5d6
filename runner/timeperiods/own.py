"""A period's own instants: its `ranges` turned into UTC intervals, per calendar day.

Wall-clock times become instants as TIMEPERIODS.md §4 says, which is exactly what `fold=0`
does in `zoneinfo`: a repeated time means its first occurrence, a time in a spring-forward gap
is read with the offset in force before the jump. A segment made empty by this is dropped.

Segments are computed per UTC block of a week, merged and kept in a bounded cache, so that
`is_active` is one dictionary look-up and a bisection.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from runner.timeperiods.daykeys import DayKey
from runner.timeperiods.intervals import Interval, clip, normalize
from runner.timeperiods.matching import DayPredicate, day_bounds, predicate
from runner.timeperiods.timevalues import DAY, TimeRange

BLOCK = 7 * DAY
_CACHE_BLOCKS = 400
_EPOCH_DAY = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class Entry:
    """One compiled `ranges` entry."""

    matches: DayPredicate
    first_day: int | None
    last_day: int | None
    ranges: tuple[tuple[int, int], ...]

    def applies(self, day: int) -> bool:
        """True if the entry's key matches `day`."""
        if self.first_day is not None and day < self.first_day:
            return False
        if self.last_day is not None and day > self.last_day:
            return False
        return self.matches(day)


def compile_entry(key: DayKey, ranges: tuple[TimeRange, ...]) -> Entry:
    """Compile a parsed entry into a day predicate and its second ranges."""
    first, last = day_bounds(key)
    return Entry(predicate(key), first, last, tuple((r.start, r.end) for r in ranges))


class OwnSegments:
    """The instants produced by a period's own `ranges` in one zone."""

    def __init__(self, entries: list[Entry], zone: ZoneInfo) -> None:
        self.entries = entries
        self.zone = zone
        ends = [end for entry in entries for _, end in entry.ranges]
        self.reach = max(1, *(math.ceil(end / DAY) for end in ends)) if ends else 1
        self._blocks: dict[int, tuple[list[float], list[float]]] = {}
        self._offsets: dict[int, float] = {}
        firsts = [entry.first_day for entry in entries if entry.first_day is not None]
        lasts = [entry.last_day for entry in entries if entry.last_day is not None]
        bounded = bool(entries) and len(firsts) == len(lasts) == len(entries)
        self.first_day = min(firsts) if bounded else None
        self.last_day = max(lasts) if bounded else None

    def _offset(self, day: int) -> float:
        """UTC offset in seconds at wall-clock midnight of `day` (cached)."""
        offset = self._offsets.get(day)
        if offset is None:
            if len(self._offsets) > 8192:
                self._offsets.clear()
            d = date.fromordinal(day)
            delta = datetime(d.year, d.month, d.day, tzinfo=self.zone).utcoffset()
            offset = self._offsets[day] = delta.total_seconds() if delta else 0.0
        return offset

    def instant(self, day: int, seconds: int) -> float:
        """POSIX seconds of wall-clock `seconds` after midnight of `day`, per §4."""
        extra, seconds = divmod(seconds, DAY)
        d = date.fromordinal(day + extra)
        hour, rest = divmod(seconds, 3600)
        wall = datetime(d.year, d.month, d.day, hour, rest // 60, rest % 60, tzinfo=self.zone)
        return wall.timestamp()

    def day_segments(self, day: int, steady: float | None = None) -> list[Interval]:
        """The segments produced by the keys that match `day` (unmerged, empties dropped).

        `steady` may pass the result of `_steady_offset(day)` when the caller knows it.
        """
        out: list[Interval] = []
        for entry in self.entries:
            if not entry.applies(day):
                continue
            if steady is None:
                steady = self._steady_offset(day)
            for start, end in entry.ranges:
                if not math.isnan(steady):  # no offset change: plain arithmetic
                    base = (day - _EPOCH_DAY) * DAY - steady
                    begin, finish = base + start, base + end
                else:
                    begin, finish = self.instant(day, start), self.instant(day, end)
                if finish > begin:
                    out.append((begin, finish))
        return out

    def _steady_offset(self, day: int) -> float:
        """The offset if it is the same from `day` until past the reach of its ranges, else NaN.

        No zone changes its offset twice within a few days, so equal offsets at every midnight
        of the span mean wall-clock arithmetic is exact there.
        """
        offset = self._offset(day)
        for other in range(day + 1, day + self.reach + 2):
            if self._offset(other) != offset:
                return math.nan
        return offset

    def local_day(self, ts: float) -> int:
        """The calendar day (ordinal) in the zone at instant `ts`."""
        return datetime.fromtimestamp(ts, self.zone).toordinal()

    def _compute(self, index: int) -> tuple[list[float], list[float]]:
        """Merged segments clipped to block `index`, as parallel start and end lists."""
        lo, hi = index * BLOCK, (index + 1) * BLOCK
        segments: list[Interval] = []
        first, last = self.local_day(lo) - self.reach - 1, self.local_day(hi) + 1
        offsets = {self._offset(day) for day in range(first, last + self.reach + 2)}
        steady = offsets.pop() if len(offsets) == 1 else None  # no change in the whole block
        for day in range(first, last):
            segments.extend(self.day_segments(day, steady))
        merged = clip(normalize(segments), lo, hi)
        return [s for s, _ in merged], [e for _, e in merged]

    def block(self, index: int) -> tuple[list[float], list[float]]:
        """Block `index` (a week of UTC seconds), from the bounded cache."""
        cached = self._blocks.get(index)
        if cached is None:
            # Dropping the whole cache when full keeps every step atomic under the GIL, so
            # threads may share a period; a refill costs a few blocks of work.
            if len(self._blocks) >= _CACHE_BLOCKS:
                self._blocks.clear()
            cached = self._blocks[index] = self._compute(index)
        return cached

    def is_active(self, ts: float) -> bool:
        """True if instant `ts` lies in one of the own segments."""
        starts, ends = self.block(int(ts // BLOCK))
        i = bisect_right(starts, ts) - 1
        return i >= 0 and ts < ends[i]

    def intervals(self, lo: float, hi: float) -> list[Interval]:
        """The merged own intervals inside [lo, hi)."""
        out: list[Interval] = []
        if self.first_day is not None:
            lo = max(lo, (self.first_day - _EPOCH_DAY - 2) * DAY)
        if self.last_day is not None:
            hi = min(hi, (self.last_day + self.reach + 3 - _EPOCH_DAY) * DAY)
        if not self.entries or hi <= lo:
            return out
        for index in range(int(lo // BLOCK), int(hi // BLOCK) + 1):
            starts, ends = self.block(index)
            for begin, finish in zip(starts, ends, strict=True):
                if finish <= lo or begin >= hi or hi <= lo:
                    continue
                start, end = max(begin, lo), min(finish, hi)
                if out and start <= out[-1][1]:
                    out[-1] = (out[-1][0], end)
                else:
                    out.append((start, end))
        return out
