"""Collecting the stat facts the permission check needs (the shell around `permissions`).

Checked: the definitions directory itself, every definition file read (and `.jobrunnerignore`)
and every program a `command` job starts from inside the tree (`argv: [bin/import]`),
every directory between the root and such a file, and for a file reached through a symbolic
link also its target and the target's directories; in a git checkout also the directories from
the work tree's top level down to the root, and the git directory with its `config`, `HEAD`,
`objects` and `refs` (git runs on them, and the last-clean fallback reads them). Directories
above the top level (such as `/tmp`, world-writable but sticky) are the system's business.
"""

from __future__ import annotations

import grp
import os
import pwd
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from runner.definitions.permissions import PathFacts, PermissionPolicy, check_permissions
from runner.diagnostics import Diagnostic
from runner.gitdir import find_git_dirs
from runner.model import Definitions

StatFunction = Callable[[Path], os.stat_result]
_GIT_ENTRIES = ("config", "HEAD", "objects", "refs")


class SystemAccounts:
    """User and group names from the host's account database."""

    @staticmethod
    @lru_cache(maxsize=256)
    def user_name(uid: int) -> str:
        """The user's login name, or the uid."""
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            return str(uid)

    @staticmethod
    @lru_cache(maxsize=256)
    def group_name(gid: int) -> str:
        """The group's name, or the gid."""
        try:
            return grp.getgrgid(gid).gr_name
        except KeyError:
            return str(gid)

    @staticmethod
    @lru_cache(maxsize=256)
    def is_private_group(gid: int, uid: int) -> bool:
        """`gid` is named like user `uid` and has no other members."""
        try:
            group = grp.getgrgid(gid)
            user = pwd.getpwuid(uid)
        except KeyError:
            return False
        return group.gr_name == user.pw_name and set(group.gr_mem) <= {user.pw_name}


class _Collector:
    def __init__(self, root: Path, stat: StatFunction) -> None:
        self.root = root.resolve()
        self.stat = stat
        self.facts: dict[str, PathFacts] = {}
        self._real_dirs: dict[Path, Path] = {}

    def add(self, path: Path, file: str | None, *, is_git: bool = False) -> None:
        key = str(path)
        if key in self.facts:
            return
        try:
            st = self.stat(path)
        except OSError:
            return  # gone since the walk: the next scan sees the change
        self.facts[key] = PathFacts(file, key, st.st_mode, st.st_uid, st.st_gid, is_git)

    def add_file(self, rel: str) -> None:
        path = self.root / rel
        self.add(path, rel)
        self.add_dirs(rel)
        real = self._real(path)
        if real != path and self.root in real.parents:
            target = real.relative_to(self.root).as_posix()
            self.add(real, target)
            self.add_dirs(target)

    def _real(self, path: Path) -> Path:
        """`path.resolve()`, resolving each directory once: one lstat per plain file."""
        if path.is_symlink():
            return path.resolve()
        directory = path.parent
        real = self._real_dirs.get(directory)
        if real is None:
            real = self._real_dirs[directory] = directory.resolve()
        return real / path.name

    def add_dirs(self, rel: str) -> None:
        parts = rel.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            self.add(self.root / name, name)

    def add_git(self) -> None:
        dirs = find_git_dirs(self.root)
        if dirs is None:
            return
        top = dirs.git_dir.parent if dirs.git_dir.name == ".git" else None
        if top is not None and (top == self.root or top in self.root.parents):
            for directory in (self.root, *self.root.parents):
                if directory == top:
                    break
                self.add(directory.parent, None)
        for base in dict.fromkeys((dirs.git_dir, dirs.common_dir)):
            self.add(base, None, is_git=True)
            for name in _GIT_ENTRIES:
                self.add(base / name, None, is_git=True)


def collect_facts(
    root: Path, files: Iterable[str], *, stat: StatFunction = os.stat
) -> list[PathFacts]:
    """The facts about the root, the root-relative `files`, their directories and git."""
    collector = _Collector(root, stat)
    collector.add(collector.root, None)
    for rel in files:
        collector.add_file(rel)
    collector.add_git()
    return list(collector.facts.values())


def program_paths(definitions: Definitions) -> list[str]:
    """Root-relative paths of the programs that `command` jobs start from inside the tree
    (`argv[0]` with a `/`): a world-writable script is as dangerous as its definition."""
    root = definitions.root.resolve()
    paths: list[str] = []
    for job in definitions.jobs.values():
        argv = job.settings.get("argv") if job.type == "command" else None
        if not argv or "/" not in str(argv[0]):
            continue
        program = Path(str(argv[0]))
        if not program.is_absolute():
            base = root / job.directory
            program = base / str(job.settings.get("cwd", ".")) / program
        try:
            paths.append(program.resolve().relative_to(root).as_posix())
        except ValueError:
            continue  # outside the tree: the system's business
    return paths


def scan_permissions(
    root: Path,
    files: Iterable[str],
    policy: PermissionPolicy,
    *,
    stat: StatFunction = os.stat,
    euid: int | None = None,
) -> list[Diagnostic]:
    """Check the tree at `root` (whose walk read `files`) for the runner's effective user
    (`euid`, default this process's)."""
    facts = collect_facts(root, files, stat=stat)
    user = os.geteuid() if euid is None else euid
    return check_permissions(facts, euid=user, policy=policy, accounts=SystemAccounts())
