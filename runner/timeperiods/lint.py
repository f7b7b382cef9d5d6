"""`check_ranges`: every error and warning about a `ranges` mapping, as values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from runner.timeperiods.daykeys import KeySyntaxError, parse_day_key
from runner.timeperiods.findings import ACCEPTED_KEYS, ACCEPTED_VALUES, RangeFinding
from runner.timeperiods.keyrules import key_findings
from runner.timeperiods.timevalues import TimeRange, ValueSyntaxError, parse_time_value


def check_ranges(ranges: Mapping[str, str]) -> list[RangeFinding]:
    """All findings for all entries of `ranges`, in order; never raises."""
    findings: list[RangeFinding] = []
    for key, value in ranges.items():
        findings.extend(check_entry(str(key), value))
    return findings


def check_entry(key: object, value: object) -> list[RangeFinding]:
    """The findings for one `key: value` entry."""
    found: list[RangeFinding] = []
    if not isinstance(key, str):  # the Python API; YAML keys are strings by then
        message = f"the day key must be a string, not {type(key).__name__}"
        return [RangeFinding(str(key), "key", 0, "error", "range-syntax", message, None)]
    try:
        found.extend(key_findings(key, parse_day_key(key)))
    except KeySyntaxError as exc:
        hint = exc.hint or f"accepted forms: {ACCEPTED_KEYS}"
        found.append(
            RangeFinding(key, "key", exc.offset, "error", "range-syntax", exc.message, hint)
        )
    if not isinstance(value, str):
        message = f"the time value must be a string, not {type(value).__name__}"
        found.append(
            RangeFinding(key, "value", 0, "error", "range-syntax", message, ACCEPTED_VALUES)
        )
        return found
    try:
        found.extend(_value_findings(key, parse_time_value(value)))
    except ValueSyntaxError as exc:
        hint = exc.hint or f"accepted forms: {ACCEPTED_VALUES}"
        found.append(
            RangeFinding(key, "value", exc.offset, "error", "range-syntax", exc.message, hint)
        )
    return found


def _warn(key: str, offset: int, message: str, hint: str) -> RangeFinding:
    """A `range-suspicious` warning about the value."""
    return RangeFinding(key, "value", offset, "warning", "range-suspicious", message, hint)


def _value_findings(key: str, ranges: tuple[TimeRange, ...]) -> Iterator[RangeFinding]:
    """§3 overflow and the §7 value mistakes."""
    for item in ranges:
        if item.start == item.raw_end:
            yield _warn(
                key,
                item.offset,
                f"{item.text!r} starts and ends at the same time: that is a full 24 hours",
                "to say `never on this day`, leave the day out of `ranges`",
            )
        if item.raw_end in (86_340, 86_399):
            yield _warn(
                key,
                item.end_offset,
                f"{item.text!r} leaves the end of the day uncovered",
                f"end the day with 24:00: {item.text[: item.end_offset - item.offset]}24:00",
            )
        if item.overflow_at is not None:
            yield _warn(
                key,
                item.overflow_at,
                f"a field of {item.text!r} is beyond its usual limit and carries over "
                "(25:00 is 01:00 on the next day)",
                "write times from 00:00 to 24:00; use a range past midnight such as 22:00-06:00",
            )
