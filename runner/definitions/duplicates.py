"""Duplicate keys, named at both places (YAML 1.2 forbids them; a typo must not win silently)."""

from __future__ import annotations

from typing import Any

from runner.diagnostics import Diagnostic


def _mappings(node: Any) -> Any:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MappingNode):
            yield current
            stack.extend(v for pair in current.value for v in pair)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def duplicate_keys(file: str, text: str) -> list[Diagnostic]:
    """Every duplicate key of every mapping in `text`, at the repeated key."""
    from ruamel.yaml import YAML

    out = []
    for root in YAML(typ="safe", pure=True).compose_all(text):
        for mapping in _mappings(root):
            first: dict[str, Any] = {}
            for key, _value in mapping.value:
                name = str(key.value)
                if name in first:
                    where = first[name].start_mark
                    out.append(
                        Diagnostic(
                            file,
                            key.start_mark.line + 1,
                            key.start_mark.column + 1,
                            "duplicate-key",
                            f"duplicate key {name!r} (first at line {where.line + 1}, "
                            f"column {where.column + 1})",
                            "remove one of them; the second would silently win",
                        )
                    )
                else:
                    first[name] = key
    return out
