"""The git directory of a checkout, read as plain files (no subprocess, no GitPython).

Used on the daemon's hot path: HEAD for the scan fingerprint and `index.lock` to hold a reload
while git is writing. Handles `.git` directories, `.git` files (`gitdir: ...`, worktrees and
submodules) with their `commondir`, loose refs and `packed-refs`. For anything deeper (reading
objects) use `runner.revision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_SHA_LENGTHS = (40, 64)


@dataclass(frozen=True, slots=True)
class GitDirs:
    """Where a checkout keeps its git data.

    `git_dir` holds this worktree's HEAD and index; `common_dir` the refs and objects (the same
    directory except in a linked worktree).
    """

    git_dir: Path
    common_dir: Path


def find_git_dirs(start: Path) -> GitDirs | None:
    """The git directories of the checkout that contains `start`, or None outside git."""
    path = Path(start).resolve()
    for candidate in (path, *path.parents):
        dot_git = candidate / ".git"
        git_dir = _resolve_dot_git(dot_git)
        if git_dir is not None:
            return GitDirs(git_dir, _common_dir(git_dir))
    return None


def _resolve_dot_git(dot_git: Path) -> Path | None:
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text.removeprefix("gitdir:").strip())
    return (dot_git.parent / target).resolve() if not target.is_absolute() else target


def _common_dir(git_dir: Path) -> Path:
    try:
        text = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    target = Path(text)
    return (git_dir / target).resolve() if not target.is_absolute() else target


def index_lock_path(start: Path) -> Path | None:
    """`index.lock` of the checkout containing `start` (exists while git writes), or None."""
    dirs = find_git_dirs(start)
    return None if dirs is None else dirs.git_dir / "index.lock"


def read_head(start: Path) -> str | None:
    """The commit HEAD points at, `ref: NAME` for an unborn branch, None outside git."""
    dirs = find_git_dirs(start)
    if dirs is None:
        return None
    try:
        head = (dirs.git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not head.startswith("ref:"):
        return head
    ref = head.removeprefix("ref:").strip()
    return resolve_ref(dirs, ref) or f"ref: {ref}"


def resolve_ref(dirs: GitDirs, ref: str, depth: int = 0) -> str | None:
    """The commit a ref names: loose ref (worktree, then common dir), else `packed-refs`."""
    if depth > 5:
        return None
    for base in (dirs.git_dir, dirs.common_dir):
        try:
            value = (base / ref).read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if value.startswith("ref:"):
            return resolve_ref(dirs, value.removeprefix("ref:").strip(), depth + 1)
        if len(value) in _SHA_LENGTHS:
            return value
    return _packed_ref(dirs.common_dir / "packed-refs", ref)


def _packed_ref(packed: Path, ref: str) -> str | None:
    try:
        lines = packed.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        sha, _, name = line.partition(" ")
        if name == ref and len(sha) in _SHA_LENGTHS:
            return sha
    return None
