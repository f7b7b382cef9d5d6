"""`jobrunner lint`: load the whole tree, keep the findings about the requested files, decide
the exit code. Reporters only format what this module returns.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from runner.definitions import LoadResult, load_definitions
from runner.definitions.permissions import PermissionPolicy
from runner.diagnostics import Diagnostic, errors, warnings
from runner.errors import UsageError
from runner.exitcodes import ExitCode
from runner.jobtypes import JobTypeRegistry


@dataclass(frozen=True)
class LintReport:
    """What lint found: the diagnostics to show and the tree's counts."""

    root: Path
    diagnostics: list[Diagnostic]
    files: int
    jobs: int
    timeperiods: int
    outside: list[str] = field(default_factory=list)
    """Paths given that are not inside the root: not checked (the command says so)."""
    prefix: str = ""
    """The root's path relative to the git top level (`/`-separated, '' at the top); github
    and sarif paths are `prefix + file`."""

    @property
    def valid(self) -> bool:
        """No errors among the reported diagnostics."""
        return not errors(self.diagnostics)

    def repo_path(self, file: str | None) -> str:
        """`file` relative to the git top level (the root itself for tree-wide findings)."""
        path = PurePosixPath(self.prefix or ".") / (file or ".")
        return str(path) if str(path) != "." else "."


def select_files(root: Path, paths: Sequence[str]) -> tuple[set[str] | None, list[str]]:
    """Root-relative names of the files given on the command line (None: all files), and
    the paths outside the root (pre-commit may pass other YAML files of the repository)."""
    base = root.resolve()
    selected: set[str] = set()
    outside: list[str] = []
    for given in paths:
        path = Path(given).resolve()
        if path == base:
            return None, []
        try:
            selected.add(path.relative_to(base).as_posix())
        except ValueError:
            outside.append(given)
    return selected, outside


def _is_selected(diagnostic: Diagnostic, selected: set[str] | None) -> bool:
    if selected is None or diagnostic.file is None:
        return True
    return any(
        diagnostic.file == name or diagnostic.file.startswith(name.rstrip("/") + "/")
        for name in selected
    )


def git_prefix(root: Path) -> str:
    """The root relative to its git top level; relative to the working directory outside git."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        done = None
    base = root.resolve()
    if done is not None and done.returncode == 0 and done.stdout.strip():
        top = Path(done.stdout.strip()).resolve()
    else:
        top = Path.cwd().resolve()
    try:
        relative = base.relative_to(top).as_posix()
    except ValueError:
        return base.as_posix()
    return "" if relative == "." else relative


def lint(
    root: Path,
    paths: Sequence[str] = (),
    *,
    timezone: str | None = None,
    registry: JobTypeRegistry | None = None,
    with_git: bool = False,
    permissions: PermissionPolicy | None = None,
) -> LintReport:
    """Load `root` and report on `paths` (files or directories below it; all when empty).

    Raises UsageError when `root` does not exist (exit code 2); paths outside `root` are
    listed in `LintReport.outside` and not checked. With `permissions` (the command passes
    `WARN`), who may write the tree is reported too, as warnings.
    """
    if not root.is_dir():
        raise UsageError(
            f"definitions directory {root} does not exist; pass it as `jobrunner lint DIR`, "
            "use --jobs-dir or set JOBRUNNER_JOBS_DIR"
        )
    selected, outside = select_files(root, paths) if paths else (None, [])
    result: LoadResult = load_definitions(
        root, timezone=timezone, registry=registry, permissions=permissions, secrets=True
    )
    shown = [d for d in result.diagnostics if _is_selected(d, selected)]
    definitions = result.definitions
    return LintReport(
        root=root,
        diagnostics=shown,
        files=result.files,
        jobs=len(definitions.jobs),
        timeperiods=len(definitions.timeperiod_defs),
        prefix=git_prefix(root) if with_git else "",
        outside=outside,
    )


def exit_code(report: LintReport, *, strict: bool) -> ExitCode:
    """0 clean; 1 on errors, and on warnings too with `strict` (SPEC §4)."""
    if not report.valid or (strict and warnings(report.diagnostics)):
        return ExitCode.FAILURE
    return ExitCode.OK
