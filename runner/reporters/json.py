"""JSON output exactly as SPEC §4: one object with `valid`, counts, `errors` and `warnings`."""

from __future__ import annotations

import json
from typing import Any

from runner.diagnostics import Diagnostic, errors, warnings
from runner.lint import LintReport


def diagnostic_item(diagnostic: Diagnostic) -> dict[str, Any]:
    """A diagnostic as a JSON object (lint --format json, daemon.json's reload errors)."""
    return {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def document(report: LintReport) -> dict[str, Any]:
    """The JSON document as a dict."""
    return {
        "valid": report.valid,
        "files": report.files,
        "jobs": report.jobs,
        "timeperiods": report.timeperiods,
        "errors": [diagnostic_item(d) for d in errors(report.diagnostics)],
        "warnings": [diagnostic_item(d) for d in warnings(report.diagnostics)],
    }


def render(report: LintReport) -> str:
    """The JSON document, indented, with a final newline."""
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
