"""Who may change the definitions: a pure check over stat results (issue 8).

Whoever can write a definition file, a directory of the tree or the git directory can make
the runner start any command as the runner's user. Like cron with crontabs and sudo with
sudoers, the commands that run jobs refuse a tree where that is anyone on the host:

- writable by every user (`o+w`): `insecure-permissions` (`insecure-git-dir` for the git
  directory), an error when enforced, fixed with `chmod o-w PATH`;
- owned by a user who is neither root nor the runner's effective user: `insecure-owner`
  (`insecure-git-dir`), an error when enforced, fixed with `chown USER PATH`;
- writable by a group that other users may be in: `group-writable`, always a warning, one
  per group (clones made with umask 002 are common and must keep working); a user private
  group (named like the owner, no other members) is not reported.

`lint` and `--allow-insecure-permissions` turn the errors into warnings. The facts come from
`runner.definitions.permscan`; this module only decides, so tests feed it any modes and owners.
"""

from __future__ import annotations

import enum
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from runner.diagnostics import Diagnostic, Severity

ALLOW_OPTION = "--allow-insecure-permissions"
ALLOW_VARIABLE = "JOBRUNNER_ALLOW_INSECURE_PERMISSIONS"
GIT_CODE = "insecure-git-dir"
CODES = frozenset({"insecure-permissions", "insecure-owner", "group-writable", GIT_CODE})
UNTRUSTED_GIT = (
    "git was not run: other users can write the git directory (see the insecure-git-dir "
    "errors), so neither the revision nor the last clean definitions can be trusted"
)


class PermissionPolicy(enum.Enum):
    """What insecure permissions do to a load."""

    ENFORCE = "enforce"
    """`run`, `run-job`, the daemon: world-writable or foreign-owned paths are errors, so
    the set is refused like invalid definitions."""
    ALLOW = "allow"
    """`--allow-insecure-permissions`: every finding is a warning; the set runs."""
    WARN = "warn"
    """`lint`: every finding is a warning (CI checkouts have arbitrary owners)."""


def policy_for(allow_insecure: bool) -> PermissionPolicy:
    """The policy of the commands that run jobs."""
    return PermissionPolicy.ALLOW if allow_insecure else PermissionPolicy.ENFORCE


@dataclass(frozen=True, slots=True)
class PathFacts:
    """The stat facts about one path the runner trusts."""

    file: str | None
    """Root-relative `/`-separated name for findings; None for paths outside the tree."""
    path: str
    """The absolute path, as the fix command needs it."""
    mode: int
    uid: int
    gid: int
    is_git: bool = False
    """Part of the git directory (the last-clean fallback reads it; git runs on it)."""

    @property
    def is_dir(self) -> bool:
        """A directory (anyone who can write it can add or replace definitions)."""
        return stat.S_ISDIR(self.mode)


class Accounts(Protocol):
    """Names of users and groups (injected: tests need no real accounts)."""

    def user_name(self, uid: int) -> str:
        """The user's name, or the uid as text when it has none."""
        ...

    def group_name(self, gid: int) -> str:
        """The group's name, or the gid as text when it has none."""
        ...

    def is_private_group(self, gid: int, uid: int) -> bool:
        """True when `gid` is `uid`'s user private group (same name, no other members)."""
        ...


def check_permissions(
    facts: Iterable[PathFacts], *, euid: int, policy: PermissionPolicy, accounts: Accounts
) -> list[Diagnostic]:
    """Every finding about `facts` for a runner whose effective user is `euid`."""
    severity = Severity.ERROR if policy is PermissionPolicy.ENFORCE else Severity.WARNING
    found: list[Diagnostic] = []
    group_writable: dict[int, list[PathFacts]] = {}
    for fact in facts:
        if fact.mode & stat.S_IWOTH:
            found.append(_world_writable(fact, severity))
        if fact.uid not in (0, euid):
            found.append(_foreign_owner(fact, euid, severity, accounts))
        if fact.mode & stat.S_IWGRP and not accounts.is_private_group(fact.gid, fact.uid):
            group_writable.setdefault(fact.gid, []).append(fact)
    for gid, paths in sorted(group_writable.items()):
        found.append(_group_writable(gid, paths, accounts))
    return found


def _what(fact: PathFacts) -> str:
    if fact.is_git:
        return f"the git directory's {fact.path}"
    kind = "directory" if fact.is_dir else "file"
    return f"{kind} {fact.path}" if fact.file is None else kind


def _code(fact: PathFacts, code: str) -> str:
    return GIT_CODE if fact.is_git else code


def _allow_words() -> str:
    return f"or pass {ALLOW_OPTION} ({ALLOW_VARIABLE}=1) to run anyway"


def _world_writable(fact: PathFacts, severity: Severity) -> Diagnostic:
    mode = stat.S_IMODE(fact.mode)
    return Diagnostic(
        fact.file,
        None,
        None,
        _code(fact, "insecure-permissions"),
        f"{_what(fact)} is writable by every user (mode {mode:04o}): anyone on this host can "
        "change the commands this runner starts",
        f"run `chmod o-w {fact.path}`, {_allow_words()}",
        severity,
    )


def _foreign_owner(
    fact: PathFacts, euid: int, severity: Severity, accounts: Accounts
) -> Diagnostic:
    owner = accounts.user_name(fact.uid)
    runner = accounts.user_name(euid)
    return Diagnostic(
        fact.file,
        None,
        None,
        _code(fact, "insecure-owner"),
        f"{_what(fact)} belongs to user {owner} (uid {fact.uid}), who is neither root nor the "
        f"runner's user {runner}: {owner} can change the commands this runner starts",
        f"run `chown {runner} {fact.path}` (or run jobrunner as {owner}), {_allow_words()}",
        severity,
    )


def _group_writable(gid: int, paths: list[PathFacts], accounts: Accounts) -> Diagnostic:
    group = accounts.group_name(gid)
    first = paths[0]
    more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
    return Diagnostic(
        first.file,
        None,
        None,
        "group-writable",
        f"{first.path}{more} can be written by group {group}: every member of {group} can "
        "change the commands this runner starts",
        f"fine when only trusted users are in {group} (a umask 002 clone); otherwise run "
        f"`chmod -R g-w {first.path}`",
        Severity.WARNING,
    )


def blocks_git(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when the git directory itself is untrusted: git must not run on it (its config
    can name programs git starts) and the last-clean fallback must not read it."""
    return any(d.code == GIT_CODE and d.is_error for d in diagnostics)
