"""The text reporter prints compiler-style lines, hint lines and a summary."""

from __future__ import annotations

from pathlib import Path

from runner.diagnostics import Diagnostic, Severity
from runner.lint import LintReport
from runner.reporters.text import render


def report(*diagnostics: Diagnostic) -> LintReport:
    """A report over a small tree."""
    return LintReport(Path("defs"), list(diagnostics), files=3, jobs=2, timeperiods=1)


def test_clean_tree_prints_one_summary_line() -> None:
    """No findings: only `no problems` with the counts."""
    assert render(report()) == "no problems (3 files, 2 jobs, 1 time period)\n"


def test_findings_with_and_without_positions_and_hints() -> None:
    """file:line:col: level[code]: message, an indented hint, then the totals."""
    out = render(
        report(
            Diagnostic("a.yaml", 4, 11, "duration", "bad interval", "use 15m"),
            Diagnostic("b.yaml", None, None, "empty-file", "no documents", None, Severity.WARNING),
            Diagnostic(None, None, None, "plugin", "plugin broke"),
        )
    )
    assert out == (
        "a.yaml:4:11: error[duration]: bad interval\n"
        "    hint: use 15m\n"
        "b.yaml: warning[empty-file]: no documents\n"
        ".: error[plugin]: plugin broke\n"
        "2 errors, 1 warning (3 files, 2 jobs, 1 time period)\n"
    )
