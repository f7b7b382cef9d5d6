"""How Director's job runner read a time period entry, to report where jobrunner differs.

Director (IcingaTimePeriodRange::isActive) matched only plain lower-case weekday keys
(`monday` ... `sunday`), split the value at commas (spaces around them allowed), read each
part with `sscanf('%2d:%2d-%2d:%2d')`, and was active while begin <= now <= end on that day:
a range across midnight (`22:00-06:00`) never matched. Everything else never matched.
"""

from __future__ import annotations

import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# sscanf's %2d skips leading whitespace and reads at most two digits; literals must match.
_SSCANF = re.compile(r"\s*([+-]?\d{1,2}):\s*([+-]?\d{1,2})-\s*([+-]?\d{1,2}):\s*([+-]?\d{1,2})")


def director_key_problem(key: str) -> str | None:
    """Why Director never matched this day key, or None when it did."""
    if key in WEEKDAYS:
        return None
    return (
        f"Director never matched the day key {key!r} (it only understood plain weekday "
        "names such as `monday`); jobrunner does, so the period is now active then"
    )


def director_part_problem(part: str) -> str | None:
    """Why Director never matched one `from-to` part of a value, or None when it did."""
    match = _SSCANF.match(part)
    if match is None:
        return (
            f"Director could not read {part!r} and never matched it; jobrunner reads it "
            "with the spaces removed"
        )
    begin_h, begin_m, end_h, end_m = (int(g) for g in match.groups())
    if begin_h * 60 + begin_m > end_h * 60 + end_m:
        return (
            f"Director never matched {part.strip()!r} (it did not understand ranges across "
            "midnight); jobrunner runs it into the next day"
        )
    if begin_h * 60 + begin_m == end_h * 60 + end_m:
        return (
            f"Director matched {part.strip()!r} only at that very second (in practice "
            "never); jobrunner reads equal start and end as a full 24 hours"
        )
    return None


def director_reading(value: str) -> list[str]:
    """The `HH:MM-HH:MM` ranges Director matched in a value: sscanf reads a part's first
    range and ignores whatever follows it (`09:00-17:00 (office)`, `00:00-06:00;08:00-...`);
    ranges across midnight or of no length never matched."""
    found = []
    for part in director_value_parts(value):
        match = _SSCANF.match(part)
        if match is None:
            continue
        begin_h, begin_m, end_h, end_m = (int(g) for g in match.groups())
        if begin_h * 60 + begin_m < end_h * 60 + end_m:
            found.append(f"{begin_h:02d}:{begin_m:02d}-{end_h:02d}:{end_m:02d}")
    return found


def director_value_parts(value: str) -> list[str]:
    """The parts of a value as Director split it (`preg_split('/\\s*,\\s*/')`, no empties)."""
    return [part for part in re.split(r"\s*,\s*", value) if part]
