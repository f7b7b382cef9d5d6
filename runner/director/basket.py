"""Reading a Director basket export: its sections and Director's ways of writing values.

A basket (`icingacli director basket dump --name NAME`, or the JSON of a basket snapshot
downloaded from the web interface) is one JSON object with a section per object type, each
mapping a name to the exported object: `{"DirectorJob": {"10: Import hosts": {...}},
"TimePeriod": {"24x7": {...}}, "ImportSource": {...}, ...}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runner.errors import JobrunnerError

SECTIONS = ("DirectorJob", "TimePeriod")


class BasketError(JobrunnerError):
    """The file is not a Director basket export (wrong shape)."""


def section(basket: Mapping[str, Any], kind: str) -> dict[str, Mapping[str, Any]]:
    """The objects of one section by their basket key; objects that are not mappings raise."""
    raw = basket.get(kind) or {}
    if isinstance(raw, list):  # some tools write sections as lists of objects
        raw = {
            str(item.get("object_name") or item.get("job_name") or i): item
            for i, item in enumerate(raw)
            if isinstance(item, Mapping)
        }
    if not isinstance(raw, Mapping):
        raise BasketError(f"section {kind!r} must be a JSON object of name: object")
    found: dict[str, Mapping[str, Any]] = {}
    for key, value in raw.items():
        if not isinstance(value, Mapping):
            raise BasketError(f"{kind} {key!r} must be a JSON object, not {type(value).__name__}")
        found[str(key)] = value
    return found


def check_shape(basket: object) -> Mapping[str, Any]:
    """The basket as a mapping; raise `BasketError` when it cannot be one."""
    if not isinstance(basket, Mapping):
        raise BasketError(
            "a Director basket export is a JSON object with sections such as DirectorJob "
            "and TimePeriod; export one with `icingacli director basket dump --name NAME`"
        )
    if not any(kind in basket for kind in SECTIONS):
        raise BasketError(
            "the basket has neither a DirectorJob nor a TimePeriod section (it has: "
            f"{', '.join(map(str, basket)) or 'nothing'}); add the jobs and periods to the "
            "basket and export it again"
        )
    return basket


def is_yes(value: object) -> bool:
    """Director's booleans: `y`/`n` strings in most exports, true/false in newer ones."""
    if isinstance(value, str):
        return value.strip().lower() in ("y", "yes", "true", "1")
    return value is True or value == 1


def name_list(value: object) -> list[str]:
    """`includes`/`excludes`/`imports`: a list of names, a single name, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]
