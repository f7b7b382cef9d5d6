"""Reading time values (TIMEPERIODS.md §3) into wall-clock second ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass

DAY = 86_400
_TIME = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?", re.ASCII)
_BARE_HOUR = re.compile(r"(?<![\d:])\d{1,2}(?=-|,|$)", re.ASCII)
"""An hour without minutes (`9-17`), as cron users write it."""


@dataclass(frozen=True, slots=True)
class TimeRange:
    """One `start-end` range as seconds from the day's midnight (end > start always)."""

    start: int
    end: int
    text: str
    offset: int
    """Where the range starts in the value."""
    end_offset: int
    """Where its end time starts in the value."""
    raw_end: int
    """The end as written (before moving to the next day)."""
    overflow_at: int | None
    """Offset of the first field beyond its usual limit (`25:00`, `10:75`), if any."""


class ValueSyntaxError(ValueError):
    """A time value that cannot be read: what, where (offset) and a hint."""

    def __init__(self, offset: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.hint = hint


def _separator_hint(value: str) -> str:
    """The value with `;` and blanks between ranges replaced by `,`."""
    fixed = re.sub(r"\s*[,;\s]\s*", ",", value.strip())
    return f"separate ranges with `,`: {fixed!r}"


def _check_separators(value: str) -> None:
    """Reject `;` and blanks: around a dash as stray blanks, between ranges as separators."""
    bad = re.search(r"[;\s]", value)
    if bad is None:
        return
    if re.search(r"\s-|-\s", value) and bad.group() != ";":
        fixed = re.sub(r"\s*-\s*", "-", value.strip())
        raise ValueSyntaxError(bad.start(), "no blanks inside a time value", f"write {fixed!r}")
    message = f"{bad.group()!r} cannot separate ranges"
    if re.search(r",\s|\s,", value) and bad.group() != ";":
        message = "no blanks around `,` between ranges"
    raise ValueSyntaxError(bad.start(), message, _separator_hint(value))


def _time(value: str, pos: int) -> tuple[int, int, int | None]:
    """(seconds, end position, offset of an overflowing field) of the time at `pos`."""
    m = _TIME.match(value, pos)
    if m is None:
        if pos == len(value) and value.endswith(","):
            message = "expected a time H:M or H:M:S here: nothing follows the last `,`"
            raise ValueSyntaxError(pos, message, f"remove the trailing `,`: {value[:-1]!r}")
        if _BARE_HOUR.match(value, pos):
            message = "expected a time H:M or H:M:S here: an hour needs its minutes"
            fixed = _BARE_HOUR.sub(lambda h: f"{int(h[0]):02d}:00", value)
            raise ValueSyntaxError(pos, message, f"write {fixed!r}")
        raise ValueSyntaxError(
            pos, "expected a time H:M or H:M:S here", "write e.g. 09:00 or 17:30:00"
        )
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    overflow: int | None = None
    if h > 24 or (h == 24 and (mi or s)):
        overflow = m.start(1)
    elif mi > 59:
        overflow = m.start(2)
    elif s > 59:
        overflow = m.start(3)
    return h * 3600 + mi * 60 + s, m.end(), overflow


def _range(value: str, pos: int) -> tuple[TimeRange, int]:
    """One `time-time` range at `pos` and the position after it."""
    start, at, over_a = _time(value, pos)
    if at >= len(value) or value[at] != "-":
        raise ValueSyntaxError(at, "expected `-` between the start and the end time")
    end, after, over_b = _time(value, at + 1)
    moved = end + DAY if start >= end else end
    text = value[pos:after]
    overflow = over_a if over_a is not None else over_b
    return TimeRange(start, moved, text, pos, at + 1, end, overflow), after


def parse_time_value(value: str) -> tuple[TimeRange, ...]:
    """Read `range ("," range)*`; raises `ValueSyntaxError` pointing at the offending character."""
    if not value.strip():
        raise ValueSyntaxError(
            0, "empty time value", "to say `never on this day`, leave the day out"
        )
    _check_separators(value)
    ranges: list[TimeRange] = []
    pos = 0
    while True:
        item, pos = _range(value, pos)
        ranges.append(item)
        if pos == len(value):
            return tuple(ranges)
        if value[pos] != ",":
            message = f"unexpected {value[pos]!r} after a range"
            raise ValueSyntaxError(pos, message, "separate ranges with `,`")
        pos += 1
