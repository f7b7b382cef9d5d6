"""SARIF 2.1.0 for GitHub code scanning: stable rule ids (the codes), repository-relative paths."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from runner import __version__
from runner.diagnostics import Diagnostic
from runner.lint import LintReport

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/jobrunner/jobrunner#definitions-and-lint"


def _location(diagnostic: Diagnostic, report: LintReport) -> dict[str, Any]:
    # A URI reference (SARIF §3.10.2): `#`, `%`, blanks in a file name must be escaped, or
    # code scanning reads `a#1.yaml` as the file `a` with a fragment.
    uri = quote(report.repo_path(diagnostic.file), safe="/")
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
    if diagnostic.line is not None:
        region: dict[str, int] = {"startLine": diagnostic.line}
        if diagnostic.column is not None:
            region["startColumn"] = diagnostic.column
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(diagnostic: Diagnostic, report: LintReport) -> dict[str, Any]:
    text = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
    return {
        "ruleId": diagnostic.code,
        "level": "error" if diagnostic.is_error else "warning",
        "message": {"text": text},
        "locations": [_location(diagnostic, report)],
    }


def document(report: LintReport) -> dict[str, Any]:
    """The SARIF log as a dict."""
    rules = sorted({d.code for d in report.diagnostics})
    driver = {
        "name": "jobrunner-lint",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [{"id": r, "shortDescription": {"text": f"jobrunner lint: {r}"}} for r in rules],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "results": [_result(d, report) for d in report.diagnostics],
            }
        ],
    }


def render(report: LintReport) -> str:
    """The SARIF log, indented, with a final newline."""
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
