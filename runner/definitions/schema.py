"""The JSON Schemas of the definitions: located once, one validator per schema built once.

Schemas ship inside the wheel as `runner/schemas`; in a source checkout they are the
repository's `schemas/`. Validation never touches the network: references resolve only
through an explicit registry of the shipped schemas.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

KINDS = {"Job": "job", "TimePeriod": "timeperiod", "Defaults": "defaults"}
"""Document kinds and the schema file (`<name>.schema.json`) of each."""


def schema_dir() -> Path:
    """Where the schemas are: `runner/schemas` in a wheel, else the repository's `schemas/`."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "schemas"
    return shipped if shipped.is_dir() else package.parent / "schemas"


def schema_path(name: str) -> Path:
    """The file of schema `name` (`job`, `timeperiod`, `defaults`, `state`)."""
    return schema_dir() / f"{name}.schema.json"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema `name`; FileNotFoundError when it is not shipped."""
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data


def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in (load_schema(name) for name in KINDS.values())
        if "$id" in schema
    ]
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str) -> Any:
    """The Draft 2020-12 validator of schema `name`, built once per process."""
    return build_validator(load_schema(name))


def build_validator(schema: Mapping[str, Any]) -> Any:
    """A Draft 2020-12 validator for `schema` with the local registry (no network)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, registry=_registry())
