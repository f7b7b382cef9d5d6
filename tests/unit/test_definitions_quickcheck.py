"""The fast-path schema check agrees exactly with jsonschema whenever it gives an answer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runner.definitions.quickcheck import quick_valid
from runner.definitions.schema import build_validator, load_schema
from runner.jobtypes.command import SETTINGS_SCHEMA

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 100_000),
    st.sampled_from([1.0, 2.5, 0.0]),
    st.sampled_from(
        [
            "",
            "x",
            "Job",
            "TimePeriod",
            "Defaults",
            "15m",
            "1h30m",
            "0s",
            "a b",
            "Bad_Name",
            "cmdb-import",
            "90",
            "Europe/Berlin",
            "09:00-17:00",
            "true",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["argv", "shell", "x", "env", "A"]), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = [
    "kind",
    "name",
    "type",
    "interval",
    "timeout",
    "settings",
    "timeperiod",
    "disabled",
    "once_per_window",
    "renamed_from",
    "ranges",
    "includes",
    "excludes",
    "timezone",
    "history",
    "on_failure",
    "argv",
    "shell",
    "env",
    "cwd",
    "success_exit_codes",
    "intervall",
]
DOCS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)
SCHEMAS = {
    "job": load_schema("job"),
    "timeperiod": load_schema("timeperiod"),
    "defaults": load_schema("defaults"),
    "command": SETTINGS_SCHEMA,
}
VALIDATORS = {name: build_validator(schema) for name, schema in SCHEMAS.items()}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=150, deadline=None)
@given(doc=DOCS)
def test_agrees_with_jsonschema(name: str, doc: dict[str, Any]) -> None:
    """quick_valid is True/False exactly when jsonschema says valid/invalid (or None)."""
    quick = quick_valid(SCHEMAS[name], doc)
    if quick is not None:
        assert quick is VALIDATORS[name].is_valid(doc)


def test_a_typical_job_takes_the_fast_path() -> None:
    """A valid job and its command settings are decided without jsonschema."""
    job = {
        "kind": "Job",
        "name": "a",
        "type": "command",
        "interval": "15m",
        "settings": {"argv": ["df"], "success_exit_codes": [0, 3]},
    }
    assert quick_valid(SCHEMAS["job"], job) is True
    assert quick_valid(SCHEMAS["command"], job["settings"]) is True


def test_unknown_keywords_give_no_answer() -> None:
    """A schema keyword outside the subset makes the fast path step aside."""
    assert quick_valid({"type": "object", "patternProperties": {"x": {}}}, {}) is None
    assert quick_valid({"$ref": "#/x"}, 1) is None
