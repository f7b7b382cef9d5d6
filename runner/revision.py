"""Git revisions of the definitions: the commit a set was loaded from, whether it had
uncommitted changes, and reading the definitions of a commit straight from git objects.

GitPython is imported lazily, so that lint and the runner work (without git metadata)
outside a checkout or on a host without git. `safe.directory` is passed to every git call
through `GIT_CONFIG_*` variables, so that a service user can read a checkout it does not own;
the variables are set on GitPython's git command only, never in the runner's (and so the
jobs') environment. A failed git call is an error the caller reports, never a silent None.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from runner.errors import JobrunnerError


class RevisionError(JobrunnerError):
    """A git operation on the definitions' repository failed."""


@dataclass(frozen=True, slots=True)
class Revision:
    """The commit a definitions directory was loaded from."""

    commit: str
    """The full commit id of HEAD."""
    dirty: bool
    """True when the definitions directory had uncommitted or untracked changes."""
    toplevel: Path
    """The work tree's top level."""
    subdir: str
    """The definitions directory relative to the top level (`.` for the top level itself)."""

    @property
    def short(self) -> str:
        """The abbreviated commit id, as people write it."""
        return self.commit[:7]

    def describe(self) -> str:
        """`a1b2c3d` or `a1b2c3d (dirty)`."""
        return self.short + (" (dirty)" if self.dirty else "")


def safe_directory_environment(toplevel: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """`GIT_CONFIG_*` variables adding `toplevel` as a safe.directory to existing ones."""
    try:
        count = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    return {
        "GIT_CONFIG_COUNT": str(count + 1),
        f"GIT_CONFIG_KEY_{count}": "safe.directory",
        f"GIT_CONFIG_VALUE_{count}": str(toplevel),
    }


def _git_errors() -> tuple[type[BaseException], ...]:
    import git

    return (git.GitError, ValueError, OSError, KeyError)


@contextmanager
def open_repository(path: Path) -> Iterator[Any | None]:
    """The repository containing `path` (closed afterwards), or None outside a work tree."""
    try:
        import git
    except ImportError:  # no git executable on this host
        yield None
        return
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        yield None
        return
    try:
        if repo.working_tree_dir is None:
            yield None
            return
        toplevel = Path(repo.working_tree_dir)
        repo.git.update_environment(**safe_directory_environment(toplevel, os.environ))
        yield repo
    finally:
        repo.close()


def _subdir(repo: Any, path: Path) -> str:
    toplevel = Path(repo.working_tree_dir).resolve()
    relative = path.resolve().relative_to(toplevel).as_posix()
    return relative or "."


def current_revision(jobs_dir: Path) -> Revision | None:
    """HEAD and the dirty flag for `jobs_dir`; None outside a git work tree.

    Raises `RevisionError` when git fails (dubious ownership, corrupt repository, a work tree
    without commits), with a message that says what to do.
    """
    with open_repository(jobs_dir) as repo:
        if repo is None:
            return None
        try:
            commit = repo.head.commit.hexsha
            subdir = _subdir(repo, jobs_dir)
            dirty = repo.is_dirty(untracked_files=True, path=subdir)
        except _git_errors() as exc:
            raise RevisionError(_explain(jobs_dir, exc)) from None
        return Revision(commit, bool(dirty), Path(repo.working_tree_dir), subdir)


def read_definition_files(revision: Revision, commit: str | None = None) -> dict[str, bytes]:
    """Every file below the definitions directory at `commit` (default: the revision's),
    keyed by its path relative to the definitions directory. The caller filters and loads."""
    with open_repository(revision.toplevel) as repo:
        if repo is None:
            raise RevisionError(f"{revision.toplevel} is no longer a git work tree")
        try:
            tree = repo.commit(commit or revision.commit).tree
            if revision.subdir != ".":
                tree = tree / revision.subdir
            return {
                PurePosixPath(blob.path).relative_to(_prefix(revision)).as_posix(): _read(blob)
                for blob in tree.traverse()
                if blob.type == "blob"
            }
        except _git_errors() as exc:
            target = (commit or revision.commit)[:7]
            raise RevisionError(
                f"cannot read the definitions of commit {target} from git: {exc}; "
                "check that the commit exists in this clone (git fetch) and is readable"
            ) from None


def _prefix(revision: Revision) -> str:
    return "" if revision.subdir == "." else revision.subdir


def _read(blob: Any) -> bytes:
    data = blob.data_stream.read()
    return bytes(data)


def _explain(jobs_dir: Path, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "dubious ownership" in str(exc):
        return (
            f"git refuses to read {jobs_dir}: dubious ownership (the checkout belongs to "
            "another user); run jobrunner as its owner or add it to safe.directory"
        )
    if "Reference at" in str(exc) or "does not exist" in str(exc):
        return f"the git repository of {jobs_dir} has no commits yet; commit the definitions"
    return f"cannot read the git revision of {jobs_dir}: {text}"
