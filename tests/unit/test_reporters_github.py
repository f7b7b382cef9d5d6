"""The github reporter prints workflow commands escaped as @actions/core does."""

from __future__ import annotations

from pathlib import Path

from runner.diagnostics import Diagnostic, Severity
from runner.lint import LintReport
from runner.reporters.github import escape_data, escape_property, render


def test_escaping_follows_actions_core() -> None:
    """Data escapes %, CR, LF; properties also escape : and ,."""
    assert escape_data("50% a\r\nb:c,d") == "50%25 a%0D%0Ab:c,d"
    assert escape_property("50% a\r\nb:c,d") == "50%25 a%0D%0Ab%3Ac%2Cd"


def test_annotation_paths_are_relative_to_the_git_top_level() -> None:
    """file= is prefix + file; line/col only when known; the hint joins the message."""
    report = LintReport(
        Path("x"),
        [
            Diagnostic("a,b.yaml", 2, 5, "schema", "100% wrong", "do: this"),
            Diagnostic("c.yaml", None, None, "empty-file", "empty", None, Severity.WARNING),
            Diagnostic(None, None, None, "plugin", "broken"),
        ],
        files=2,
        jobs=0,
        timeperiods=0,
        prefix="ops/jobs.d",
    )
    assert render(report).splitlines() == [
        (
            "::error file=ops/jobs.d/a%2Cb.yaml,line=2,col=5,title=jobrunner lint (schema)"
            "::100%25 wrong%0Ahint: do: this"
        ),
        "::warning file=ops/jobs.d/c.yaml,title=jobrunner lint (empty-file)::empty",
        "::error file=ops/jobs.d,title=jobrunner lint (plugin)::broken",
    ]


def test_clean_tree_prints_nothing() -> None:
    """No findings, no annotations."""
    assert render(LintReport(Path("x"), [], 1, 1, 0)) == ""
