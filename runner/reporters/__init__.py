"""Lint reporters: each turns a `LintReport` into text; none decides anything."""

from __future__ import annotations

from collections.abc import Callable

from runner.lint import LintReport

FORMATS = ("text", "json", "github", "sarif")


def reporter(name: str) -> Callable[[LintReport], str]:
    """The `render` function of format `name` (imported lazily)."""
    if name == "json":
        from runner.reporters.json import render
    elif name == "github":
        from runner.reporters.github import render
    elif name == "sarif":
        from runner.reporters.sarif import render
    else:
        from runner.reporters.text import render
    return render
