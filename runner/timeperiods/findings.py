"""Findings about `ranges` entries, and the error raised for a malformed one.

`check_ranges` (in `runner.timeperiods.lint`) returns every finding as a value for the loader and
`jobrunner lint`; `TimePeriod` raises `RangeSyntaxError` for the first error.

Codes (stable):

- `range-syntax` (error): the key or value cannot be read, or can never mean anything
  (`day 0`, a reversed date range, a step on a single weekday).
- `icinga-compat` (warning): jobrunner reads the entry as the Icinga 2 documentation promises,
  Icinga 2 itself reads it differently (weekday ranges, wrapping ranges, steps across DST).
- `range-suspicious` (warning): valid, but probably not what was meant (`monday 5`, `day 31`,
  `february 30`, `00:00-00:00`, `00:00-23:59`, overflowing fields, a step on a single day,
  ranges mixing forms, `monday 1 - 15`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ACCEPTED_KEYS = (
    "monday … sunday | day 15 | day -1 | february 10 | may -1 | monday 3 | thursday -1 | "
    "monday 2 may | 2026-12-24 | A - B (e.g. monday - friday, day 1 - 15, "
    "july 10 - august 15) | A - B / N (every N-th day of the range)"
)
ACCEPTED_VALUES = (
    "HH:MM-HH:MM or HH:MM:SS-HH:MM:SS, several joined by `,` "
    "(e.g. 09:00-12:00,13:00-17:00; 22:00-06:00 runs past midnight; 24:00 ends the day)"
)


@dataclass(frozen=True)
class RangeFinding:
    """One finding about a `ranges` entry: where it points and what to do."""

    key: str
    """The day key of the `ranges` entry the finding is about."""
    part: Literal["key", "value"]
    """Which string `offset` points into."""
    offset: int
    """0-based character offset of the offending token in that string."""
    severity: Literal["error", "warning"]
    code: str
    """`range-syntax`, `icinga-compat` or `range-suspicious` (see the module docstring)."""
    message: str
    hint: str | None

    @property
    def is_error(self) -> bool:
        """True for errors."""
        return self.severity == "error"


class RangeSyntaxError(ValueError):
    """A `ranges` key or value that cannot be read; raised when a `TimePeriod` is built."""

    def __init__(self, finding: RangeFinding, value: str, period: str | None = None) -> None:
        self.finding = finding
        self.value = value
        super().__init__(_render(finding, value, period))


def _render(finding: RangeFinding, value: str, period: str | None) -> str:
    """A multi-line message: what, where (with a caret under the token) and the accepted forms."""
    what = "day key" if finding.part == "key" else f"time value of day key {finding.key!r}"
    where = f"time period {period!r}: " if period else ""
    accepted = ACCEPTED_KEYS if finding.part == "key" else ACCEPTED_VALUES
    lines = [
        f"{where}{what} {value!r}, column {finding.offset + 1}: {finding.message}",
        f"    {value}",
        "    " + " " * finding.offset + "^",
    ]
    if finding.hint:
        lines.append(f"hint: {finding.hint}")
    lines.append(f"accepted forms: {accepted}")
    return "\n".join(lines)
