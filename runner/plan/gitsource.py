"""The two revisions `plan` compares, read straight from git objects (no checkout).

`--base` defaults to the merge base with `$GITHUB_BASE_REF` (GitHub Actions pull requests),
then to `$CI_MERGE_REQUEST_DIFF_BASE_SHA` (GitLab merge requests, already a merge base),
then to the merge base with `origin/HEAD`. An explicit `--base` is used as given. In a
shallow clone a revision outside the fetched history is an error that says how to fetch it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import UsageError
from runner.revision import Revision, RevisionError, open_repository, read_definition_files

SHALLOW_HINT = (
    "fetch enough history: `git fetch --unshallow` (and `git fetch origin BRANCH` for the "
    "base branch); on GitHub Actions set `fetch-depth: 0` in actions/checkout, on GitLab CI "
    "set `GIT_DEPTH: 0`"
)


@dataclass(frozen=True, slots=True)
class Side:
    """One revision to compare: how it was named, its commit and its definition files."""

    label: str
    """How the revision was chosen, e.g. `HEAD` or `merge base with origin/main`."""
    commit: str
    files: Mapping[str, bytes]
    """The definitions directory's files at the commit, root-relative; empty when the
    directory does not exist at that revision."""
    present: bool
    """Whether the definitions directory exists at that revision."""


@dataclass(frozen=True, slots=True)
class Sources:
    """The base and head revisions of the definitions directory `subdir` in `toplevel`."""

    toplevel: Path
    subdir: str
    base: Side
    head: Side
    dirty: bool
    """The work tree has uncommitted changes under the definitions directory (not planned)."""


def _git_errors() -> tuple[type[BaseException], ...]:
    import git

    return (git.BadName, git.BadObject, git.GitCommandError, ValueError, KeyError)


def _is_shallow(repo: Any) -> bool:
    try:
        return str(repo.git.rev_parse("--is-shallow-repository")).strip() == "true"
    except _git_errors():
        return False


def _commit(repo: Any, rev: str, shallow: bool, what: str) -> str:
    try:
        commit = repo.commit(rev)
        # In a shallow clone `HEAD~1` names the parent's id, but its object is not there:
        # reading the tree makes that an error here rather than a traceback later.
        _ = commit.tree
        return str(commit.hexsha)
    except _git_errors():
        if shallow:
            raise UsageError(
                f"{what} {rev!r} is not in this shallow clone; {SHALLOW_HINT}"
            ) from None
        ref = rev.removeprefix("origin/")
        raise UsageError(
            f"unknown {what} {rev!r}: no such commit, branch or tag in {repo.working_tree_dir}; "
            f"check the name, or fetch it (`git fetch origin {ref}`)"
        ) from None


def _merge_base(repo: Any, rev: str, head: str, shallow: bool) -> str:
    commit = _commit(repo, rev, shallow, "base revision")
    try:
        found = repo.merge_base(commit, head)
    except _git_errors():
        found = []
    if found:
        return str(found[0].hexsha)
    if shallow:
        raise UsageError(
            f"the merge base of {rev} and {head[:7]} is not in this shallow clone; {SHALLOW_HINT}"
        )
    raise UsageError(
        f"{rev} and {head[:7]} have no common history; pass the revision to compare "
        "with as --base REV"
    )


def _base(repo: Any, given: str | None, head: str, environ: Mapping[str, str]) -> tuple[str, str]:
    shallow = _is_shallow(repo)
    if given:
        return given, _commit(repo, given, shallow, "base revision")
    if environ.get("GITHUB_BASE_REF"):
        ref = environ["GITHUB_BASE_REF"]
        name = next((n for n in (f"origin/{ref}", ref) if _exists(repo, n)), f"origin/{ref}")
        return f"merge base with {name}", _merge_base(repo, name, head, shallow)
    if environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        sha = environ["CI_MERGE_REQUEST_DIFF_BASE_SHA"]
        return sha[:7], _commit(repo, sha, shallow, "base revision")
    if not _exists(repo, "origin/HEAD"):
        raise UsageError(
            "no base revision: pass --base REV, set GITHUB_BASE_REF, or let git know the "
            "default branch (`git remote set-head origin --auto`)"
            + (f"; this is a shallow clone, so also {SHALLOW_HINT}" if shallow else "")
        )
    return "merge base with origin/HEAD", _merge_base(repo, "origin/HEAD", head, shallow)


def _exists(repo: Any, rev: str) -> bool:
    try:
        repo.commit(rev)
    except _git_errors():
        return False
    return True


def _has_directory(repo: Any, commit: str, subdir: str) -> bool:
    if subdir == ".":
        return True
    try:
        found = repo.commit(commit).tree / subdir
    except KeyError:
        return False
    return str(found.type) == "tree"


def _side(repo: Any, label: str, commit: str, toplevel: Path, subdir: str) -> Side:
    if not _has_directory(repo, commit, subdir):
        return Side(label, commit, {}, present=False)
    try:
        files = read_definition_files(Revision(commit, False, toplevel, subdir), commit)
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    return Side(label, commit, files, present=True)


def _subdir(jobs_dir: Path, toplevel: Path) -> str:
    try:
        relative = jobs_dir.resolve().relative_to(toplevel.resolve()).as_posix()
    except ValueError:
        raise UsageError(
            f"definitions directory {jobs_dir} is not inside the git work tree {toplevel}; "
            "pass --jobs-dir inside the repository"
        ) from None
    return relative or "."


def _search_start(jobs_dir: Path) -> Path:
    start = jobs_dir.resolve()
    while not start.exists() and start != start.parent:
        start = start.parent
    return start


def resolve_sources(
    jobs_dir: Path, base: str | None, head: str | None, environ: Mapping[str, str]
) -> Sources:
    """Resolve both revisions and read the definitions directory at each from git objects.

    Raises UsageError (exit 2) outside a git work tree, for an unknown revision, in a
    shallow clone that lacks the base (with how to fetch enough history), and when the
    definitions directory exists at neither revision.
    """
    with open_repository(_search_start(jobs_dir)) as repo:
        if repo is None:
            raise UsageError(
                f"{jobs_dir} is not in a git work tree; plan compares two git revisions of the "
                "definitions: run it in a clone of their repository"
            )
        toplevel = Path(repo.working_tree_dir)
        subdir = _subdir(jobs_dir, toplevel)
        head_label = head or "HEAD"
        head_commit = _commit(repo, head_label, _is_shallow(repo), "head revision")
        base_label, base_commit = _base(repo, base, head_commit, environ)
        dirty = head is None and bool(repo.is_dirty(untracked_files=True, path=subdir))
        base_side = _side(repo, base_label, base_commit, toplevel, subdir)
        head_side = _side(repo, head_label, head_commit, toplevel, subdir)
        if not base_side.present and not head_side.present:
            # A mistyped --jobs-dir would otherwise plan "no changes, lints clean" for ever.
            raise UsageError(
                f"definitions directory {subdir} exists at neither {base_label} "
                f"({base_commit[:7]}) nor {head_label} ({head_commit[:7]}); pass --jobs-dir "
                "as the directory of the definitions in the repository (e.g. --jobs-dir jobs.d)"
            )
        return Sources(toplevel, subdir, base_side, head_side, dirty)
