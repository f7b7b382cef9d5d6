"""GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`).

Escaping follows @actions/core: `%`, CR and LF in data; additionally `:` and `,` in properties.
Paths are relative to the git top level, so annotations land on the diff.
"""

from __future__ import annotations

from runner.diagnostics import Diagnostic
from runner.lint import LintReport


def escape_data(text: str) -> str:
    """@actions/core `escapeData`."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """@actions/core `escapeProperty`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic, report: LintReport) -> str:
    """One workflow command for `diagnostic`."""
    level = "error" if diagnostic.is_error else "warning"
    props = [f"file={escape_property(report.repo_path(diagnostic.file))}"]
    if diagnostic.line is not None:
        props.append(f"line={diagnostic.line}")
        if diagnostic.column is not None:
            props.append(f"col={diagnostic.column}")
    props.append(f"title={escape_property(f'jobrunner lint ({diagnostic.code})')}")
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render(report: LintReport) -> str:
    """One annotation per diagnostic (nothing for a clean tree)."""
    return "".join(annotation(d, report) + "\n" for d in report.diagnostics)
