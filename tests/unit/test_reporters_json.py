"""The JSON reporter prints exactly the object of SPEC §4."""

from __future__ import annotations

import json
from pathlib import Path

from runner.diagnostics import Diagnostic, Severity
from runner.lint import LintReport
from runner.reporters.json import render


def test_shape_matches_the_spec() -> None:
    """valid, counts, errors and warnings with file/line/column/code/message/hint."""
    diagnostics = [
        Diagnostic("jobs/import.yaml", 7, 11, "schema", "bad", "fix it"),
        Diagnostic("a.yaml", 3, 1, "range-suspicious", "odd", None, Severity.WARNING),
    ]
    data = json.loads(render(LintReport(Path("d"), diagnostics, 12, 9, 4)))
    assert data == {
        "valid": False,
        "files": 12,
        "jobs": 9,
        "timeperiods": 4,
        "errors": [
            {
                "file": "jobs/import.yaml",
                "line": 7,
                "column": 11,
                "code": "schema",
                "message": "bad",
                "hint": "fix it",
            },
        ],
        "warnings": [
            {
                "file": "a.yaml",
                "line": 3,
                "column": 1,
                "code": "range-suspicious",
                "message": "odd",
                "hint": None,
            },
        ],
    }


def test_warnings_only_is_valid() -> None:
    """Warnings do not make the definitions invalid (exit codes decide --strict)."""
    warning = Diagnostic("a.yaml", 1, 1, "w", "m", None, Severity.WARNING)
    assert json.loads(render(LintReport(Path("d"), [warning], 1, 0, 0)))["valid"] is True
