"""Definition documents written as YAML text in the style of examples/jobs.d.

Strings are written plain where YAML 1.2 reads them back as the same string, and
double-quoted (JSON escaping, which is valid YAML) everywhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./-]+)*$")
_KEYWORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
# Plain scalars YAML would read as something else, or that merely look like it.
_NOT_TEXT = re.compile(r"^(?:[-+]?[0-9._]*(?:[eE][-+]?[0-9]+)?|0[xXoObB].*|[0-9]{4}-[0-9].*)$")


def scalar(value: object) -> str:
    """One scalar as YAML: booleans, integers, plain or quoted strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _KEYWORDS and not _NOT_TEXT.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: Sequence[object]) -> str:
    """A short list on one line: `[holidays, change-freeze]`."""
    return "[" + ", ".join(scalar(item) for item in items) + "]"


def document(data: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """One YAML document: comment lines, then the mapping (nested mappings indented)."""
    lines = [f"# {comment}" for comment in comments]
    for key, value in data.items():
        if isinstance(value, Mapping):
            lines.append(f"{scalar(key)}:" if value else f"{scalar(key)}: {{}}")
            lines.extend(f"  {scalar(k)}: {_inline(v)}" for k, v in value.items())
        else:
            lines.append(f"{scalar(key)}: {_inline(value)}")
    return "\n".join(lines) + "\n"


def _inline(value: object) -> str:
    if isinstance(value, list | tuple):
        return flow_list(value)
    return scalar(value)
