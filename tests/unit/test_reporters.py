"""Lint reporters: exact text, SPEC §4 JSON, @actions/core escaping, SARIF 2.1.0 validity."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from runner.diagnostics import Diagnostic, Severity
from runner.lint import LintReport, exit_code
from runner.reporters import reporter
from runner.reporters.github import escape_data, escape_property

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "sarif-schema-2.1.0.json"

DIAGNOSTICS = [
    Diagnostic(
        "jobs/a.yaml", 7, 11, "unknown-key", "unknown key 'intervall'", "did you mean 'interval'?"
    ),
    Diagnostic(
        "jobs/b,c.yaml",
        3,
        1,
        "tz",
        "100% odd: line\r\nbreak",
        None,
        Severity.WARNING,
    ),
    Diagnostic(None, None, None, "walk", "the tree itself", "fix it"),
]


def _report(diagnostics: list[Diagnostic], prefix: str = "") -> LintReport:
    """A report over `diagnostics` with fixed counts."""
    return LintReport(
        root=Path("defs"),
        diagnostics=diagnostics,
        files=3,
        jobs=2,
        timeperiods=1,
        prefix=prefix,
    )


def test_text_pins_compiler_style_lines() -> None:
    """Text is `file:line:col: level[code]: message`, an indented hint, then a summary."""
    assert reporter("text")(_report(DIAGNOSTICS)) == (
        "jobs/a.yaml:7:11: error[unknown-key]: unknown key 'intervall'\n"
        "    hint: did you mean 'interval'?\n"
        "jobs/b,c.yaml:3:1: warning[tz]: 100% odd: line\r\nbreak\n"
        ".: error[walk]: the tree itself\n"
        "    hint: fix it\n"
        "2 errors, 1 warning (3 files, 2 jobs, 1 time period)\n"
    )


def test_text_clean_summary() -> None:
    """A clean tree prints one `no problems` line with the counts."""
    assert reporter("text")(_report([])) == "no problems (3 files, 2 jobs, 1 time period)\n"


def test_json_matches_spec_shape() -> None:
    """JSON has exactly valid, counts, errors and warnings with SPEC §4 item keys."""
    document = json.loads(reporter("json")(_report(DIAGNOSTICS)))
    assert list(document) == ["valid", "files", "jobs", "timeperiods", "errors", "warnings"]
    assert document["valid"] is False
    assert document["errors"][0] == {
        "file": "jobs/a.yaml",
        "line": 7,
        "column": 11,
        "code": "unknown-key",
        "message": "unknown key 'intervall'",
        "hint": "did you mean 'interval'?",
    }
    assert [w["code"] for w in document["warnings"]] == ["tz"]


def test_github_escaping_follows_actions_core() -> None:
    """Data escapes %, CR, LF; properties additionally ':' and ','."""
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_github_lines_with_repo_prefix() -> None:
    """Each diagnostic is one workflow command; paths carry the root's git prefix."""
    lines = reporter("github")(_report(DIAGNOSTICS, prefix="ops/jobs.d")).splitlines()
    assert lines == [
        (
            "::error file=ops/jobs.d/jobs/a.yaml,line=7,col=11,title=jobrunner lint (unknown-key)"
            "::unknown key 'intervall'%0Ahint: did you mean 'interval'?"
        ),
        (
            "::warning file=ops/jobs.d/jobs/b%2Cc.yaml,line=3,col=1,title=jobrunner lint (tz)"
            "::100%25 odd: line%0D%0Abreak"
        ),
        "::error file=ops/jobs.d,title=jobrunner lint (walk)::the tree itself%0Ahint: fix it",
    ]


def test_sarif_validates_against_schema() -> None:
    """The SARIF log validates against the official 2.1.0 schema and keeps the positions."""
    log = json.loads(reporter("sarif")(_report(DIAGNOSTICS, prefix="ops")))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "error"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "ops/jobs/a.yaml"
    assert first["region"] == {"startLine": 7, "startColumn": 11}
    assert "region" not in results[2]["locations"][0]["physicalLocation"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["tz", "unknown-key", "walk"]


def test_exit_code_strict() -> None:
    """Errors exit 1; warnings alone exit 0, or 1 with strict."""
    only_warning = _report([DIAGNOSTICS[1]])
    assert int(exit_code(_report(DIAGNOSTICS), strict=False)) == 1
    assert int(exit_code(only_warning, strict=False)) == 0
    assert int(exit_code(only_warning, strict=True)) == 1
    assert int(exit_code(_report([]), strict=True)) == 0
