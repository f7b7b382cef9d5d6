"""An exact, three-valued fast path for the JSON Schema subset our schemas use.

`quick_valid(schema, data)` answers True (valid), False (invalid) or None (cannot tell: a
keyword outside the subset). Only a True skips jsonschema; False and None run the full
validator, which produces the messages. Each keyword below follows jsonschema's Draft 2020-12
semantics exactly (integers include 1.0, booleans are not numbers, `pattern` is `re.search`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

_IGNORED = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "examples", "format"}
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: _is_number(v) and float(v).is_integer(),
}


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _scalar_equal(a: Any, b: Any) -> bool | None:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return None


def _all(results: list[bool | None]) -> bool | None:
    if False in results:
        return False
    return None if None in results else True


def _type(schema: Mapping[str, Any], data: Any) -> bool | None:
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if any(name not in _TYPES for name in names):
        return None
    return any(_TYPES[name](data) for name in names)


def _object(schema: Mapping[str, Any], data: Any) -> bool | None:
    if not isinstance(data, dict):
        return True
    props = schema.get("properties", {})
    results: list[bool | None] = [all(key in data for key in schema.get("required", ()))]
    extra = schema.get("additionalProperties", True)
    for key, value in data.items():
        if key in props:
            results.append(quick_valid(props[key], value))
        elif extra is False:
            return False
        elif extra is not True:
            results.append(quick_valid(extra, value))
    if "propertyNames" in schema:
        results.extend(quick_valid(schema["propertyNames"], key) for key in data)
    return _all(results)


def _array(schema: Mapping[str, Any], data: Any) -> bool | None:
    if not isinstance(data, list):
        return True
    if len(data) < schema.get("minItems", 0) or len(data) > schema.get("maxItems", len(data)):
        return False
    results = [quick_valid(schema["items"], item) for item in data] if "items" in schema else []
    if schema.get("uniqueItems"):
        if not all(
            isinstance(i, str) or (isinstance(i, int) and not isinstance(i, bool)) for i in data
        ):
            return None
        results.append(len({(type(i), i) for i in data}) == len(data))
    return _all(results)


def _string(schema: Mapping[str, Any], data: Any) -> bool | None:
    if not isinstance(data, str):
        return True
    if len(data) < schema.get("minLength", 0) or len(data) > schema.get("maxLength", len(data)):
        return False
    return "pattern" not in schema or _regex(schema["pattern"]).search(data) is not None


def _number(schema: Mapping[str, Any], data: Any) -> bool | None:
    if not _is_number(data):
        return True
    return bool(schema.get("minimum", data) <= data <= schema.get("maximum", data))


def _combinators(schema: Mapping[str, Any], data: Any) -> bool | None:
    results: list[bool | None] = []
    if "const" in schema:
        results.append(_scalar_equal(data, schema["const"]))
    if "enum" in schema:
        found = [_scalar_equal(data, option) for option in schema["enum"]]
        results.append(True if True in found else (None if None in found else False))
    if "anyOf" in schema:
        found = [quick_valid(s, data) for s in schema["anyOf"]]
        results.append(True if True in found else (None if None in found else False))
    if "oneOf" in schema:
        found = [quick_valid(s, data) for s in schema["oneOf"]]
        results.append(None if None in found else found.count(True) == 1)
    if "not" in schema:
        inner = quick_valid(schema["not"], data)
        results.append(None if inner is None else not inner)
    return _all(results)


_HANDLED = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "const",
        "enum",
        "anyOf",
        "oneOf",
        "not",
    }
)


def quick_valid(schema: Any, data: Any) -> bool | None:
    """True/False when this subset decides `data` against `schema` exactly, else None."""
    if schema is True or schema == {}:
        return True
    if schema is False:
        return False
    if not isinstance(schema, Mapping) or any(
        key not in _HANDLED and key not in _IGNORED for key in schema
    ):
        return None
    results = [_type(schema, data)] if "type" in schema else []
    results += [check(schema, data) for check in (_object, _array, _string, _number, _combinators)]
    return _all(results)
