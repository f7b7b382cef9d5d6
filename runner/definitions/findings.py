"""Findings before they have a position: where in which document, resolved to line:column later.

The fast path parses without positions; only files that have findings are parsed again with
the round-trip loader to turn a `Finding`'s path into a 1-based line and column.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from runner.diagnostics import Severity

DocPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem inside a document of a file, located by a path of keys and indices."""

    file: str
    doc: int
    """0-based index of the document in the file."""
    path: DocPath
    part: Literal["key", "value", "node"]
    """`key`: the key `path[-1]`; `value`: the value at `path`; `node`: the mapping at `path`."""
    code: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR
    offset: int = 0
    """0-based offset inside the key or value text (range findings)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """`did you mean 'interval'?` for a near miss, else None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def dotted(path: DocPath) -> str:
    """`settings.argv[0]` for ('settings', 'argv', 0)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
