"""`TimePeriod`: a period's own ranges in its zone, composed with includes and excludes.

Everything is computed on POSIX seconds (UTC instants); datetimes are only read and made at
the edges. Nothing here reads the clock.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runner.timeperiods.composition import Kind, composed_kind, own_kind
from runner.timeperiods.daykeys import DayKey, parse_day_key
from runner.timeperiods.findings import RangeSyntaxError
from runner.timeperiods.intervals import Interval, difference, first_change, union
from runner.timeperiods.lint import check_entry
from runner.timeperiods.own import OwnSegments, compile_entry
from runner.timeperiods.runs import constant_until
from runner.timeperiods.timevalues import DAY, TimeRange, parse_time_value

HORIZON = timedelta(days=1827)
"""How far `next_change` looks: five years (of 365.25 days, rounded up)."""
_WINDOWS = (DAY, 8 * DAY, 64 * DAY, 366 * DAY)


def load_zone(name: str, period: str | None = None) -> ZoneInfo:
    """The IANA zone `name`, or a ValueError that says what to write instead."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        where = f"time period {period!r}: " if period else ""
        raise ValueError(
            f"{where}unknown time zone {name!r}: use an IANA zone name such as "
            "'Europe/Berlin' or 'UTC' (`timedatectl list-timezones` lists them)"
        ) from None


def _parse_entries(
    ranges: Mapping[str, str], name: str | None
) -> list[tuple[DayKey, tuple[TimeRange, ...]]]:
    """Parse every entry, raising RangeSyntaxError for the first error found."""
    entries = []
    for key, value in ranges.items():
        for finding in check_entry(key, value):
            if finding.is_error:
                shown = str(key) if finding.part == "key" else value
                raise RangeSyntaxError(finding, shown, name)
        entries.append((parse_day_key(key), parse_time_value(value)))
    return entries


def _covered(includes: Sequence[TimePeriod], excludes: Sequence[TimePeriod]) -> bool:
    """True if every include is also excluded: the same period, or one defined identically."""
    excluded = {p.signature for p in excludes}
    return all(p.signature in excluded for p in includes)


def _aware(at: datetime, what: str) -> float:
    """POSIX seconds of an aware datetime; naive ones are refused."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {at.isoformat()}")
    return at.timestamp()


class TimePeriod:
    """An Icinga 2 style time period (TIMEPERIODS.md; SPEC §6).

    `ranges` maps day keys to time values; they are evaluated per calendar day in `timezone`.
    With `prefer_includes` the period is `(own - excludes) | includes`, else
    `(own | includes) - excludes`, exactly, at any depth. Malformed ranges raise
    `RangeSyntaxError`, an unknown zone a `ValueError`.
    """

    def __init__(
        self,
        ranges: Mapping[str, str] | None = None,
        timezone: str = "UTC",
        *,
        includes: Sequence[TimePeriod] = (),
        excludes: Sequence[TimePeriod] = (),
        prefer_includes: bool = True,
        name: str | None = None,
    ) -> None:
        self.name = name
        self.zone = load_zone(timezone, name)
        self.timezone = timezone
        self.prefer_includes = prefer_includes
        entries = _parse_entries(ranges or {}, name)
        self.signature: Hashable = (
            timezone,
            frozenset((ranges or {}).items()),
            prefer_includes,
            frozenset(p.signature for p in includes),
            frozenset(p.signature for p in excludes),
        )
        """Equal for periods defined identically (names aside): the same instants."""
        self._own = OwnSegments([compile_entry(k, v) for k, v in entries], self.zone)
        kind = own_kind(entries)
        self._own_kind: Kind = kind
        self.includes = tuple(p for p in includes if p.kind != "empty")
        self.excludes = tuple(p for p in excludes if p.kind != "empty")
        self.kind: Kind = composed_kind(
            kind,
            [p.kind for p in self.includes],
            [p.kind for p in self.excludes],
            prefer_includes=prefer_includes,
        )
        if not prefer_includes and kind == "empty" and _covered(self.includes, self.excludes):
            self.kind = "empty"

    def __repr__(self) -> str:
        return f"TimePeriod(name={self.name!r}, timezone={self.timezone!r}, kind={self.kind!r})"

    def is_active(self, at: datetime) -> bool:
        """True if the instant `at` (aware, any zone) lies inside the period."""
        return self._active(_aware(at, "is_active(at)"))

    def _active(self, ts: float) -> bool:
        """`is_active` on POSIX seconds."""
        if self.kind != "general":
            return self.kind == "full"
        own = self._own_kind == "full" or (self._own_kind != "empty" and self._own.is_active(ts))
        if self.prefer_includes:
            if own and not any(p._active(ts) for p in self.excludes):
                return True
            return any(p._active(ts) for p in self.includes)
        if own or any(p._active(ts) for p in self.includes):
            return not any(p._active(ts) for p in self.excludes)
        return False

    def _intervals(self, lo: float, hi: float) -> list[Interval]:
        """The period's merged instants inside [lo, hi)."""
        if self.kind != "general":
            return [(lo, hi)] if self.kind == "full" and hi > lo else []
        if self._own_kind == "full":
            own = [(lo, hi)]
        else:
            own = self._own.intervals(lo, hi) if self._own_kind == "general" else []
        inc = union(*(p._intervals(lo, hi) for p in self.includes))
        exc = union(*(p._intervals(lo, hi) for p in self.excludes))
        if self.prefer_includes:
            return union(difference(own, exc), inc)
        return difference(union(own, inc), exc)

    def segments(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The merged active intervals clipped to [start, end), in the period's zone.

        Sorted, disjoint and non-touching half-open `(begin, end)` pairs of aware datetimes.
        """
        lo, hi = _aware(start, "segments(start)"), _aware(end, "segments(end)")
        if hi <= lo:
            return []
        edges = {lo: start.astimezone(self.zone), hi: end.astimezone(self.zone)}
        return [
            (edges.get(s) or self._datetime(s), edges.get(e) or self._datetime(e))
            for s, e in self._intervals(lo, hi)
        ]

    def next_change(self, after: datetime) -> datetime | None:
        """The first instant after `after` where `is_active` flips, in the period's zone.

        None when it does not flip within five years (`HORIZON`). Windows grow from a day to
        the horizon, so the answer costs about as much as the time until the change. In a
        repeated autumn hour the result carries `fold=1`; Python's `==` across zones is then
        False (PEP 495), so compare it with `<`/`>` or after `.astimezone(UTC)`.
        """
        ts = _aware(after, "next_change(after)")
        if self.kind != "general":
            return None
        limit = ts + HORIZON.total_seconds()
        ts = self._steady(ts, limit)
        if ts >= limit:
            return None
        lo = math.floor(ts)
        for span in (*_WINDOWS, HORIZON.total_seconds()):
            hi = min(ts + span, limit)
            found = first_change(self._intervals(lo, hi), ts, hi)
            if found is not None:
                return self._datetime(found)
            if hi >= limit:
                break
        return None

    def _steady(self, ts: float, limit: float) -> float:
        """An instant `u >= ts` (at most `limit`) with no flip in `(ts, u]`, from whole days.

        Own ranges and every include and exclude are each constant up to their own bound (see
        `runs.constant_until`), so their composition is constant up to the smallest one.
        """
        if self.kind != "general":
            return limit
        bound = constant_until(self._own, ts, limit) if self._own_kind == "general" else limit
        for part in (*self.excludes, *self.includes):
            if bound <= ts:
                return ts
            bound = min(bound, part._steady(ts, limit))
        return max(ts, bound)

    def _datetime(self, ts: float) -> datetime:
        """An aware datetime in the period's zone for POSIX seconds."""
        return datetime.fromtimestamp(ts, self.zone)
