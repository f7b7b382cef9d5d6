"""The JSON Schema of a duration setting, as `interval` and `timeout` accept it (SPEC §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from runner.durations import ACCEPTED_FORMS, parse_duration
from runner.errors import DurationError
from runner.jobtypes.base import SettingsProblem

DURATION_PATTERN = (
    r"^\s*(?:[0-9]+|(?=[0-9])(?:[0-9]+w)?(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?)\s*$"
)
"""Integer seconds or units largest first (`90s`, `15m`, `1h30m`, `1d`, `1w`)."""


def duration_schema(minimum: int) -> dict[str, Any]:
    """A duration of at least `minimum` seconds: an integer, or a string in duration form."""
    return {
        "anyOf": [
            {"type": "integer", "minimum": minimum},
            {"type": "string", "pattern": DURATION_PATTERN},
        ]
    }


def duration_problems(settings: Mapping[str, Any], keys: Iterable[str]) -> list[SettingsProblem]:
    """What the pattern cannot see: a well-formed duration that is too long to use."""
    problems = []
    for key in keys:
        if key not in settings:
            continue
        try:
            parse_duration(settings[key])
        except DurationError as exc:
            problems.append(SettingsProblem((key,), str(exc), f"use {ACCEPTED_FORMS}"))
    return problems
