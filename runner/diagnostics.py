"""Diagnostics: what the loader and lint report, as values (never printed by the core).

A diagnostic names the file (relative to the definitions directory, `/`-separated), the
1-based line and column of the offending key or value where there is one, a stable code
(`schema`, `yaml`, `unknown-key`, `range-syntax`, `icinga-compat`, ...), a message that says
what is wrong, and a hint that says what to do.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.Enum):
    """How bad a diagnostic is."""

    ERROR = "error"
    """The definitions cannot be used: lint fails, the daemon keeps its last good set."""

    WARNING = "warning"
    """Probably a mistake, but the definitions are usable (`lint --strict` fails on it)."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about the definitions."""

    file: str | None
    """Path relative to the definitions directory (`/`-separated); None for the tree itself."""
    line: int | None
    """1-based line, None when the finding is about a whole file or the tree."""
    column: int | None
    """1-based column, None with `line`."""
    code: str
    """A stable short code, e.g. `schema`, `yaml`, `duplicate-name`, `range-syntax`."""
    message: str
    """What is wrong, in one sentence."""
    hint: str | None = None
    """What to do about it (the accepted form, a "did you mean")."""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings."""
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order diagnostics by file, line, column, code and message."""
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message)

    def location(self) -> str:
        """`file:line:col`, `file` or `.` as far as known."""
        where = self.file or "."
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The errors among `diagnostics`, in order."""
    return [d for d in diagnostics if d.is_error]


def warnings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The warnings among `diagnostics`, in order."""
    return [d for d in diagnostics if not d.is_error]
