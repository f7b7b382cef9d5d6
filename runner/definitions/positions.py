"""Turning findings into diagnostics with 1-based line and column (round-trip parse).

Only files that have findings are parsed again, with the round-trip loader; a path that does
not exist in the document (a missing key) points at the nearest mapping that does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from runner.definitions.findings import Finding
from runner.definitions.yamlsource import load_rt
from runner.diagnostics import Diagnostic


def _document_start(doc: Any) -> tuple[int, int]:
    lc = getattr(doc, "lc", None)
    return (lc.line, lc.col) if lc is not None else (0, 0)


def _lc(node: Any) -> Any:
    """The position info of a round-trip node."""
    return node.lc


def _pair(value: Any) -> tuple[int, int]:
    return int(value[0]), int(value[1])


def _locate(doc: Any, finding: Finding) -> tuple[int, int]:
    """0-based (line, col) of what `finding` points at (the nearest existing node)."""
    node: Any = doc
    pos = _document_start(doc)
    for depth, part in enumerate(finding.path):
        last = depth == len(finding.path) - 1
        if isinstance(node, dict) and part in node:
            if last and finding.part == "key":
                return _pair(_lc(node).key(part))
            pos, node = _pair(_lc(node).value(part)), node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            pos, node = _pair(_lc(node).item(part)), node[part]
        else:
            break
    if finding.part == "node" and isinstance(node, dict) and hasattr(node, "lc"):
        return (_lc(node).line, _lc(node).col)
    return pos


def _quote_width(lines: list[str], line: int, col: int) -> int:
    """1 when the scalar at (line, col) is quoted, so offsets skip the quote."""
    if 0 <= line < len(lines) and col < len(lines[line]) and lines[line][col] in "'\"":
        return 1
    return 0


def resolve_file(text: str, findings: Iterable[Finding]) -> list[Diagnostic]:
    """Diagnostics for the findings of one file whose content is `text`."""
    try:
        docs = load_rt(text, max_depth=None)  # positions of a too-deep document too
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
