"""Turning findings into diagnostics with 1-based line and column.

Only files that have findings are read again, and only as far as positions need: the YAML is
composed into nodes by the C parser (ruamel.yaml.clib), whose nodes carry their start marks,
without constructing data (the round-trip loader, pure Python, took seconds per MiB). A path
that does not exist in the document (a missing key) points at the nearest node that does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from runner.definitions.findings import Finding
from runner.definitions.yamlsource import compose_fast
from runner.diagnostics import Diagnostic


def _start(node: Any) -> tuple[int, int]:
    """0-based (line, column) where `node` starts."""
    return int(node.start_mark.line), int(node.start_mark.column)


def _child(node: Any, part: object) -> tuple[Any, Any] | None:
    """(key node or None, value node) for `part` of a mapping or sequence node."""
    kind = getattr(node, "id", None)
    if kind == "mapping":
        spellings = _spellings(part)
        for key, value in reversed(node.value):  # the last of duplicate keys wins, as in data
            if getattr(key, "id", None) == "scalar" and key.value in spellings:
                return key, value
    elif kind == "sequence" and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def _spellings(part: object) -> set[str]:
    """How a key that loaded as `part` may be written (`1`, `true`, `~` for non-string keys)."""
    if isinstance(part, str):
        return {part}
    if part is None:
        return {"~", "null", "Null", "NULL", ""}
    text = str(part)
    return {text, text.lower(), text.upper()}


def _locate(doc: Any, finding: Finding) -> tuple[int, int]:
    """0-based (line, col) of what `finding` points at (the nearest existing node)."""
    node: Any = doc
    pos = _start(doc)
    for depth, part in enumerate(finding.path):
        found = _child(node, part)
        if found is None:
            break
        key, node = found
        if depth == len(finding.path) - 1 and finding.part == "key" and key is not None:
            return _start(key)
        pos = _start(node)
    if finding.part == "node" and getattr(node, "id", None) == "mapping":
        return _start(node)
    return pos


def _quote_width(lines: list[str], line: int, col: int) -> int:
    """1 when the scalar at (line, col) is quoted, so offsets skip the quote."""
    if 0 <= line < len(lines) and col < len(lines[line]) and lines[line][col] in "'\"":
        return 1
    return 0


def resolve_file(text: str, findings: Iterable[Finding]) -> list[Diagnostic]:
    """Diagnostics for the findings of one file whose content is `text`."""
    try:
        docs = compose_fast(text)
    except Exception:  # noqa: BLE001 - positions are best effort; the fast path parsed it
        docs = []
    lines = text.splitlines()
    out = []
    for finding in findings:
        pos = _locate(docs[finding.doc], finding) if finding.doc < len(docs) else None
        line = column = None
        if pos is not None:
            line, column = pos[0] + 1, pos[1] + 1
            if finding.offset or finding.part in ("key", "value"):
                column += finding.offset + (
                    _quote_width(lines, pos[0], pos[1]) if finding.offset else 0
                )
        out.append(
            Diagnostic(
                finding.file,
                line,
                column,
                finding.code,
                finding.message,
                finding.hint,
                finding.severity,
            )
        )
    return out


def resolve(texts: Mapping[str, str], findings: Iterable[Finding]) -> list[Diagnostic]:
    """Diagnostics for findings across files (each file parsed once)."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    out: list[Diagnostic] = []
    for file, found in by_file.items():
        out.extend(resolve_file(texts[file], found))
    return out
