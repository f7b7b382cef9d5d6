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
from stat import S_ISLNK

from runner.definitions.permissions import PathFacts, PermissionPolicy, check_permissions
from runner.diagnostics import Diagnostic
from runner.gitdir import find_git_dirs
from runner.model import Definitions

StatFunction = Callable[[str], os.stat_result]
"""`os.lstat` by default: a symbolic link is recognised and followed to its target."""
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
    """Gathers facts with plain strings and one lstat per path: it runs on every reload."""

    def __init__(self, root: Path, stat: StatFunction) -> None:
        self.root = str(root.resolve())
        self.prefix = self.root.rstrip("/") + "/"
        self.stat = stat
        self.facts: dict[str, PathFacts] = {}
        self._dirs: set[str] = set()

    def add(self, path: str, file: str | None, *, is_git: bool = False) -> None:
        if path in self.facts:
            return
        try:
            st = self.stat(path)
        except OSError:
            return  # gone since the walk: the next scan sees the change
        if S_ISLNK(st.st_mode):
            self.add_link(path)
            return
        self.facts[path] = PathFacts(file, path, st.st_mode, st.st_uid, st.st_gid, is_git)

    def add_link(self, path: str) -> None:
        """A link's own mode means nothing: its target inside the tree is checked instead."""
        real = os.path.realpath(path)
        if real.startswith(self.prefix):
            target = real[len(self.prefix) :]
            self.add(real, target)
            self.add_dirs(target)

    def add_file(self, rel: str) -> None:
        self.add(self.prefix + rel, rel)
        self.add_dirs(rel)

    def add_dirs(self, rel: str) -> None:
        head = rel.rpartition("/")[0]
        while head and head not in self._dirs:
            self._dirs.add(head)
            self.add(self.prefix + head, head)
            head = head.rpartition("/")[0]

    def add_git(self) -> None:
        root = Path(self.root)
        dirs = find_git_dirs(root)
        if dirs is None:
            return
        top = dirs.git_dir.parent if dirs.git_dir.name == ".git" else None
        if top is not None and (top == root or top in root.parents):
            for directory in (root, *root.parents):
                if directory == top:
                    break
                self.add(str(directory.parent), None)
        for base in dict.fromkeys((dirs.git_dir, dirs.common_dir)):
            self.add(str(base), None, is_git=True)
            for name in _GIT_ENTRIES:
                self.add(str(base / name), None, is_git=True)


def collect_facts(
    root: Path, files: Iterable[str], *, stat: StatFunction = os.lstat
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
    root = str(definitions.root.resolve())
    paths: list[str] = []
    for job in definitions.jobs.values():
        argv = job.settings.get("argv") if job.type == "command" else None
        if not argv or "/" not in str(argv[0]):
            continue
        # Strings, not Path objects: this runs for every job on every daemon reload.
        directory = job.source.file.rpartition("/")[0] if job.source is not None else ""
        cwd = os.path.join(root, directory, str(job.settings.get("cwd", "")))  # noqa: PTH118
        program = os.path.normpath(os.path.join(cwd, str(argv[0])))  # noqa: PTH118
        if program.startswith(root.rstrip("/") + "/"):  # else the system's business
            paths.append(program[len(root.rstrip("/")) + 1 :])
    return sorted(set(paths))


def scan_permissions(
    root: Path,
    files: Iterable[str],
    policy: PermissionPolicy,
    *,
    stat: StatFunction = os.lstat,
    euid: int | None = None,
) -> list[Diagnostic]:
    """Check the tree at `root` (whose walk read `files`) for the runner's effective user
    (`euid`, default this process's)."""
    facts = collect_facts(root, files, stat=stat)
    user = os.geteuid() if euid is None else euid
    return check_permissions(facts, euid=user, policy=policy, accounts=SystemAccounts())
