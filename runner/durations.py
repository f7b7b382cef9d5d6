"""Durations as written in definitions and on the command line (SPEC §4).

Accepted: integer seconds (`90`, or the YAML integer 90) or unit groups, largest unit first,
each unit at most once: `90s`, `15m`, `1h30m`, `1d`, `1w2d`. Units: w, d, h, m, s.
"""

from __future__ import annotations

import re
from datetime import timedelta

from runner.errors import DurationError

ACCEPTED_FORMS = "integer seconds (90) or units largest first: 90s, 15m, 1h30m, 1d, 1w"

MAX_DURATION = timedelta(days=36_525)
"""The longest duration accepted (100 years): longer ones overflow date arithmetic and waits."""


class DurationTooLongError(DurationError):
    """A well-formed duration longer than `MAX_DURATION` (the schema cannot see it)."""


_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION_RE = re.compile(
    r"(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?"
)


def parse_duration(value: object) -> timedelta:
    """Read a duration; raise `DurationError` that shows the accepted forms.

    Booleans are refused even though Python treats them as integers, and so are negative
    numbers: `interval: yes` or `-5` are mistakes, not durations. A float without a
    fractional part (`60.0`) is integer seconds, as the JSON Schema sees it.
    """
    if isinstance(value, float) and value.is_integer():
        # YAML's `60.0` or `1e3`: JSON Schema's "integer" (the published schemas) admits a
        # number without a fractional part, so the loader must read it too (it raised).
        if value < 0:
            raise DurationError(f"{value} is negative; use {ACCEPTED_FORMS}")
        return _bounded(int(value), value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DurationError(f"{value!r} is not a duration; use {ACCEPTED_FORMS}")
    if isinstance(value, int):
        if value < 0:
            raise DurationError(f"{value} is negative; use {ACCEPTED_FORMS}")
        return _bounded(value, value)
    text = value.strip()
    if len(text) > 40:  # int() of thousands of digits is slow or refused
        raise DurationTooLongError(f"{text[:20]}... is too long; the longest duration is 36525d")
    if text.isdigit():
        return _bounded(int(text), value)
    match = _DURATION_RE.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        raise DurationError(f"{value!r} is not a duration; use {ACCEPTED_FORMS}")
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for unit, n in match.groupdict().items() if n)
    return _bounded(seconds, value)


_WORD_UNITS = {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
    "w": ("w", "wk", "wks", "week", "weeks"),
}
_UNIT_OF_WORD = {word: unit for unit, words in _WORD_UNITS.items() for word in words}
_WORD_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:,|and\b)?", re.ASCII)


def suggest_duration(value: object) -> str | None:
    """The duration a user probably meant by a value `parse_duration` refuses (`5 minutes`,
    `1h 30m`, `1.5h`, `90sec`), written as it accepts it; None when there is no clear guess."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    text, seconds, at, as_written = value.strip().lower(), 0.0, 0, ""
    while at < len(text):
        part = _WORD_PART.match(text, at)
        if part is None or part.end() == at or part[2] not in _UNIT_OF_WORD:
            return None
        seconds += float(part[1]) * _UNIT_SECONDS[_UNIT_OF_WORD[part[2]]]
        as_written += f"{part[1]}{_UNIT_OF_WORD[part[2]]}"
        at = part.end()
    if not text or seconds < 1 or seconds != int(seconds) or seconds > MAX_DURATION.total_seconds():
        return None
    try:  # keep the user's numbers when they form a valid duration (`90sec` -> `90s`)
        if parse_duration(as_written).total_seconds() == seconds:
            return as_written
    except DurationError:
        pass
    return format_duration(timedelta(seconds=int(seconds)))


def _bounded(seconds: int, value: object) -> timedelta:
    if seconds > MAX_DURATION.total_seconds():
        raise DurationTooLongError(
            f"{value!r} is too long; the longest duration is 36525d (100 years)"
        )
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """Write a duration the way definitions do: `1h30m`, `45s`, `0s`; sub-seconds are dropped."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "0s" if seconds == 0 else "-" + format_duration(-delta)
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def rough_duration(delta: timedelta) -> str:
    """`5d`, `3h`, `12m`, `45s`: a duration rounded down to its largest unit, as `status`
    writes ages and due times (and `plan` its due times); negative counts as its size."""
    seconds = abs(int(delta.total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_size(value: str) -> int:
    """Read a byte size such as `256M`, `1G`, `512k` or `1048576` (binary units)."""
    match = re.fullmatch(r"(\d+)\s*([kKmMgGtT]?)(i?[bB])?", value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a size; use bytes or a suffix: 512K, 256M, 1G")
    factor = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    return int(match.group(1)) * factor[match.group(2).lower()]
