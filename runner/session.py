"""Loading the definitions a command should run: the current tree, or, when it does not load,
the last clean git revision read from git objects (SPEC §4: invalid definitions never stop
the jobs that were fine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from runner.definitions import LoadResult, load_definitions, load_from_files
from runner.definitions.permissions import UNTRUSTED_GIT, PermissionPolicy, blocks_git
from runner.diagnostics import Diagnostic
from runner.errors import UsageError
from runner.jobtypes import JobTypeRegistry
from runner.model import Definitions
from runner.revision import Revision, RevisionError, current_revision, read_definition_files


@dataclass(frozen=True)
class Loaded:
    """What a command works with after loading."""

    definitions: Definitions | None
    """The set to run, or None when neither the tree nor a clean revision loads."""
    revision: Revision | None
    """The git revision of the tree (HEAD, dirty flag), None outside git."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """The current tree's findings (errors and warnings)."""
    fallback: str | None = None
    """The commit actually loaded when the current tree has errors (degraded mode)."""
    problems: list[str] = field(default_factory=list)
    """Git or fallback problems, in words, for the log."""

    @property
    def is_clean(self) -> bool:
        """The current tree loaded without errors."""
        return self.definitions is not None and self.fallback is None

    @property
    def is_degraded(self) -> bool:
        """An older revision runs because the current tree does not load."""
        return self.fallback is not None

    @property
    def running_revision(self) -> str | None:
        """The commit the loaded set comes from (the fallback, else HEAD)."""
        if self.fallback is not None:
            return self.fallback
        return self.revision.commit if self.revision else None


def load(
    jobs_dir: Path,
    *,
    timezone: str | None,
    registry: JobTypeRegistry,
    last_clean: str | None,
    permissions: PermissionPolicy | None = None,
    permissions_uid: int | None = None,
) -> Loaded:
    """Load `jobs_dir`; on errors fall back to `last_clean` from git objects if possible.

    With `permissions`, who may write the tree is checked as well (for the runner's user
    `permissions_uid`, default this process's); a git directory that others may write is
    neither run git on nor read for the fallback.
    Raises UsageError when the directory does not exist (exit code 2).
    """
    if not jobs_dir.is_dir():
        raise UsageError(
            f"definitions directory {jobs_dir} does not exist; pass --jobs-dir or set "
            "JOBRUNNER_JOBS_DIR"
        )
    result = load_definitions(
        jobs_dir,
        timezone=timezone,
        registry=registry,
        permissions=permissions,
        permissions_uid=permissions_uid,
    )
    problems: list[str] = []
    revision = None
    if blocks_git(result.diagnostics):
        problems.append(UNTRUSTED_GIT)
    else:
        try:
            revision = current_revision(jobs_dir)
        except RevisionError as exc:
            problems.append(str(exc))
    if result.ok:
        return Loaded(result.definitions, revision, result.diagnostics, None, problems)
    fallback = _fallback(
        jobs_dir, revision, last_clean, timezone=timezone, registry=registry, problems=problems
    )
    if fallback is None:
        return Loaded(None, revision, result.diagnostics, None, problems)
    return Loaded(fallback.definitions, revision, result.diagnostics, last_clean, problems)


def _fallback(
    jobs_dir: Path,
    revision: Revision | None,
    last_clean: str | None,
    *,
    timezone: str | None,
    registry: JobTypeRegistry,
    problems: list[str],
) -> LoadResult | None:
    if revision is None:
        if UNTRUSTED_GIT not in problems:
            problems.append(
                "the definitions are not in a git work tree: no earlier revision to run"
            )
        return None
    if last_clean is None:
        problems.append("no revision of these definitions has loaded cleanly yet")
        return None
    try:
        files = read_definition_files(revision, last_clean)
    except RevisionError as exc:
        problems.append(str(exc))
        return None
    result = load_from_files(files, root=jobs_dir, timezone=timezone, registry=registry)
    if not result.ok:
        problems.append(f"the last clean revision {last_clean[:7]} no longer loads either")
        return None
    return result
