"""Text output, as compilers print: `file:line:col: error[code]: message` and a hint line."""

from __future__ import annotations

from runner.diagnostics import errors, warnings
from runner.lint import LintReport


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(report: LintReport) -> str:
    """Every diagnostic, then a one-line summary."""
    lines = []
    for diagnostic in report.diagnostics:
        level = "error" if diagnostic.is_error else "warning"
        lines.append(f"{diagnostic.location()}: {level}[{diagnostic.code}]: {diagnostic.message}")
        if diagnostic.hint:
            lines.append(f"    hint: {diagnostic.hint}")
    counts = (
        f"{_plural(report.files, 'file')}, {_plural(report.jobs, 'job')}, "
        f"{_plural(report.timeperiods, 'time period')}"
    )
    found = errors(report.diagnostics), warnings(report.diagnostics)
    if any(found):
        lines.append(
            f"{_plural(len(found[0]), 'error')}, {_plural(len(found[1]), 'warning')} ({counts})"
        )
    else:
        lines.append(f"no problems ({counts})")
    return "\n".join(lines) + "\n"
