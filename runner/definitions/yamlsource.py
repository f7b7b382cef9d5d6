"""YAML 1.2 parsing with the C-accelerated safe loader: data, and node trees for positions.

Both loaders keep timestamps as strings, so `2026-12-24` stays the text that was written, and
both build identical plain data (a test pins that). Pathological input is refused before it
costs memory or time: more than 1,000 documents, more than `MAX_NODES` nodes after alias
expansion (alias bombs), or nesting deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.resolver import VersionedResolver

MAX_DOCUMENTS = 1000
MAX_NODES = 100_000
"""Nodes per file after alias expansion: far above any real file, far below an alias bomb."""
MAX_DEPTH = 50
_DOC_START = re.compile(rb"^---(?:[ \t]|$)", re.MULTILINE)

Path = tuple[str | int, ...]


def _timestamp_as_text(constructor: Any, node: Any) -> Any:
    """Unquoted dates stay strings (SPEC §2)."""
    return constructor.construct_scalar(node)


class _SafeConstructor(SafeConstructor):
    """Safe constructor that keeps YAML timestamps as plain strings."""


_SafeConstructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


class _Yaml12Resolver(VersionedResolver):
    """Always YAML 1.2 (a `%YAML 1.1` directive does not bring `yes` booleans back), and the
    version looked up once instead of per scalar."""

    @property
    def processing_version(self) -> Any:
        """YAML 1.2, whatever the document says."""
        return (1, 2)

    @property
    def versioned_resolver(self) -> Any:
        """The implicit resolvers of YAML 1.2, built on first use."""
        cached = self.__dict__.get("_yaml12")
        if cached is None:
            cached = self.__dict__["_yaml12"] = super().versioned_resolver
        return cached


class LimitError(ValueError):
    """A file breaks a limit (documents, nodes, depth); `path` points into document `doc`."""

    def __init__(  # noqa: PLR0917 - all but the first three are optional
        self,
        code: str,
        message: str,
        hint: str,
        doc: int = 0,
        path: Path = (),
        part: str = "value",
        *,
        line: int | None = None,
    ):
        super().__init__(message)
        self.code, self.hint, self.doc, self.path, self.part = code, hint, doc, path, part
        self.line = line
        """Set when the position is known without parsing (the pre-scan)."""


def fast_yaml(*, pure: bool = False) -> YAML:
    """A YAML 1.2 safe loader backed by libyaml (ruamel.yaml.clib) when available; `pure`
    gives the same loader in pure Python (tests compare the two)."""
    yaml = YAML(typ="safe", pure=pure)
    yaml.Constructor = _SafeConstructor
    yaml.Resolver = _Yaml12Resolver
    return yaml


_FAST: YAML | None = None


def count_documents(data: bytes) -> int:
    """An upper bound on the number of documents, found without parsing."""
    return len(_DOC_START.findall(data)) + 1


def document_start_line(data: bytes, number: int) -> int:
    """The 1-based line of the `---` that starts document `number` (1-based, counting a first
    document without a marker), or 1 when there is no such marker."""
    for index, found in enumerate(_DOC_START.finditer(data), start=2):
        if index == number:
            return data.count(b"\n", 0, found.start()) + 1
    return 1


def _documents(yaml: YAML, text: str) -> Iterator[Any]:
    for index, doc in enumerate(yaml.load_all(text)):
        if index >= MAX_DOCUMENTS:
            raise _too_many()
        yield doc


def _too_many() -> LimitError:
    return LimitError(
        "too-many-documents",
        f"file holds more than {MAX_DOCUMENTS:,} YAML documents",
        "split it into several files",
    )


PRESCAN_DEPTH = 200
"""Estimated nesting that is refused before parsing: the C parser does not enforce a depth
limit, and some thousand levels would exhaust the stack (found by the bad-input tests)."""
_DASHES = re.compile(r"(?:-[ \t]+)*")
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_estimate(text: str) -> tuple[int, int]:
    """A cheap estimate of the nesting depth (block indentation levels, inline `- ` items,
    open flow brackets) and the 1-based line where it peaks, computed without parsing."""
    deepest = flow = where = 0
    stack: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        indent = len(line) - len(stripped)
        while stack and stack[-1] >= indent:
            stack.pop()
        stack.append(indent)
        dashes = _DASHES.match(stripped)
        inline = dashes.group(0).count("-") if dashes else 0
        peak = flow
        for bracket in _BRACKETS.findall(stripped):
            flow = flow + 1 if bracket in "[{" else max(0, flow - 1)
            peak = max(peak, flow)
        if len(stack) + inline + peak > deepest:
            deepest, where = len(stack) + inline + peak, number
    return deepest, where


def load_fast(text: str) -> list[Any]:
    """Every document of `text` as plain data (C loader); raises YAMLError or LimitError."""
    depth, line = nesting_estimate(text)
    if depth > PRESCAN_DEPTH:
        raise LimitError(
            "too-deep",
            f"nesting is far deeper than {MAX_DEPTH} levels (about {depth})",
            "flatten the document",
            line=line,
        )
    global _FAST  # noqa: PLW0603 - one loader per process, built on first use
    if _FAST is None:
        _FAST = fast_yaml()
    docs = list(_documents(_FAST, text))
    for index, doc in enumerate(docs):
        check_json(doc, index)
    return docs


def compose_fast(text: str) -> list[Any]:
    """Every document of `text` as a node tree with start marks (C parser; no data built)."""
    global _FAST  # noqa: PLW0603 - one loader per process, built on first use
    if _FAST is None:
        _FAST = fast_yaml()
    return list(_FAST.compose_all(text))


@dataclass
class _Budget:
    left: int = MAX_NODES


def check_json(doc: Any, index: int) -> None:
    """Refuse what JSON cannot hold (non-string keys, NaN, bytes, sets) and limit breaches."""
    _check(doc, index, (), _Budget())


def _check(node: Any, index: int, path: Path, budget: _Budget) -> None:
    budget.left -= 1
    if budget.left < 0:
        raise LimitError(
            "too-many-nodes",
            f"document has more than {MAX_NODES:,} nodes after alias expansion",
            "remove anchors/aliases that multiply content (an alias bomb?) or split the file",
            index,
        )
    if len(path) > MAX_DEPTH:
        raise LimitError("too-deep", f"nesting deeper than {MAX_DEPTH}", "flatten it", index, path)
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise LimitError(
                    "not-json",
                    f"mapping key {key!r} is not a string",
                    "quote the key",
                    index,
                    (*path, key),
                    "key",
                )
            _check(value, index, (*path, key), budget)
    elif isinstance(node, list):
        for item, value in enumerate(node):
            _check(value, index, (*path, item), budget)
    elif isinstance(node, float) and not math.isfinite(node):
        raise LimitError("not-json", f"{node} is not a valid number", "quote it", index, path)
    elif node is not None and not isinstance(node, str | int | float | bool):
        raise LimitError(
            "not-json",
            f"value of type {type(node).__name__} is not allowed",
            "use strings, numbers, booleans, lists and mappings only (no YAML tags)",
            index,
            path,
        )
