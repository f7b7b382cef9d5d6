"""What the Director import says about an entry: renamed, meaning changed, or left out."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FindingKind(enum.StrEnum):
    """How much a finding matters to the person reviewing the import."""

    NOTE = "note"
    """Written as Director had it, with a cosmetic change (a new name, normalised spacing)."""
    CHANGED = "changed"
    """Written, but jobrunner will run it at times Director did not (or not at all)."""
    SKIPPED = "skipped"
    """Not written, or a part of it was left out: the output lacks something of the basket."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One remark about a basket entry (`DirectorJob "name"` or `TimePeriod "name"`)."""

    entry: str
    kind: FindingKind
    message: str

    def render(self) -> str:
        """One line for the terminal: `TimePeriod "nights": changed: ...`."""
        return f"{self.entry}: {self.kind}: {self.message}"


def entry_label(kind: str, name: object) -> str:
    """How findings name a basket entry: `DirectorJob "10: Import hosts"`."""
    return f'{kind} "{name}"'
