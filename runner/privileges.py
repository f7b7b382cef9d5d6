"""Whose privileges a job runs with (issue 8): `user:` / `group:` of the `command` type, and
the guard that keeps a runner from running jobs as root by accident.

A runner started as root starts a job with `user:` as that user: the child drops to the
user's uid, its primary group (or `group:`) and its supplementary groups before exec, and
sees the user's `HOME`, `USER` and `LOGNAME`. A runner that is not root cannot switch users:
`user:` naming another user is a run-time failure that says so (never a silent run as the
runner's own user). A user or group that does not exist is a failure naming it.

Root is refused when `JOBRUNNER_REFUSE_ROOT` is set (the system unit sets it, so a drop-in
that clears `User=` cannot run every job as root) and when the state directory belongs to
another user (an operator's `sudo jobrunner run-job` would run the service's job as root
and leave root-owned state behind).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

REFUSE_ROOT_VARIABLE = "JOBRUNNER_REFUSE_ROOT"


class PrivilegeError(Exception):
    """A job cannot run with the identity its definition asks for (the message says why)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the account database knows it."""

    name: str
    uid: int
    gid: int
    home: str


@dataclass(frozen=True, slots=True)
class Identity:
    """What the child switches to before exec; `uid` None keeps the runner's user."""

    uid: int | None
    gid: int
    groups: tuple[int, ...]
    environment: Mapping[str, str] = field(default_factory=dict)
    """`HOME`, `USER`, `LOGNAME` of the target user (empty when only the group changes)."""


class AccountDatabase(Protocol):
    """Look-ups of users and groups (injected: tests need no real accounts)."""

    def user(self, name: str) -> Account | None:
        """The user called `name` (or with that numeric uid), None when unknown."""
        ...

    def user_by_uid(self, uid: int) -> Account | None:
        """The user with `uid`, None when unknown."""
        ...

    def group(self, name: str) -> int | None:
        """The gid of group `name` (or that numeric gid), None when unknown."""
        ...

    def supplementary(self, account: Account, gid: int) -> tuple[int, ...]:
        """The groups `account` is a member of, including `gid` (os.getgrouplist)."""
        ...


def resolve_identity(
    user: str | None,
    group: str | None,
    *,
    euid: int,
    egid: int,
    accounts: AccountDatabase,
) -> Identity | None:
    """The identity a job with `user:` / `group:` runs as, None for the runner's own.

    Raises PrivilegeError when the user or group does not exist, or when a runner that is
    not root is asked for another user or group.
    """
    if user is None and group is None:
        return None
    account = _account(user, accounts) if user is not None else None
    gid = _group(group, accounts) if group is not None else None
    if euid != 0:
        _check_unprivileged(account, gid, euid=euid, egid=egid, accounts=accounts)
        return None
    if account is None:
        assert gid is not None
        return Identity(None, gid, (gid,))
    primary = account.gid if gid is None else gid
    groups = accounts.supplementary(account, primary)
    environment = {"HOME": account.home, "USER": account.name, "LOGNAME": account.name}
    return Identity(account.uid, primary, groups, environment)


def _account(user: str, accounts: AccountDatabase) -> Account:
    account = accounts.user(user)
    if account is None:
        raise PrivilegeError(
            f"user {user!r} does not exist on this host; create it (useradd --system {user}) "
            "or fix `user:` in the job's settings"
        )
    return account


def _group(group: str, accounts: AccountDatabase) -> int:
    gid = accounts.group(group)
    if gid is None:
        raise PrivilegeError(
            f"group {group!r} does not exist on this host; create it (groupadd --system "
            f"{group}) or fix `group:` in the job's settings"
        )
    return gid


def _check_unprivileged(
    account: Account | None, gid: int | None, *, euid: int, egid: int, accounts: AccountDatabase
) -> None:
    me = accounts.user_by_uid(euid)
    runner = me.name if me is not None else f"uid {euid}"
    if account is not None and account.uid != euid:
        raise PrivilegeError(
            f"the runner runs as {runner} and cannot start a job as user {account.name!r}: "
            f"only a runner started as root switches users; run the job's runner as "
            f"{account.name}, or remove `user:`"
        )
    if gid is not None and gid != egid:
        raise PrivilegeError(
            f"the runner runs as {runner} (group id {egid}) and cannot start a job with group "
            f"id {gid}: only a runner started as root switches groups; remove `group:`"
        )


def root_refusal(
    *, euid: int, environ: Mapping[str, str], state_dir_owner: int | None, owner_name: str
) -> str | None:
    """Why a runner with effective user `euid` must not run jobs, or None when it may.

    `state_dir_owner` is the uid owning the state directory (None when it does not exist
    yet) and `owner_name` that user's name.
    """
    if euid != 0:
        return None
    if environ.get(REFUSE_ROOT_VARIABLE, "").strip().lower() in {"1", "true", "yes"}:
        return (
            f"refusing to run jobs as root: {REFUSE_ROOT_VARIABLE} is set (by the service "
            "unit or /etc/jobrunner/jobrunner.env); run jobrunner as the service's user, "
            "e.g. `sudo -u jobrunner jobrunner ...`"
        )
    if state_dir_owner is not None and state_dir_owner != 0:
        return (
            f"refusing to run jobs as root: the state directory belongs to {owner_name}, whose "
            f"jobs would run as root and leave root-owned state behind; run "
            f"`sudo -u {owner_name} jobrunner ...` instead"
        )
    return None


class SystemAccountDatabase:
    """The host's account database (pwd, grp, os.getgrouplist)."""

    def user(self, name: str) -> Account | None:
        """Look a user up by name, or by uid when `name` is all digits."""
        import pwd

        try:
            entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
        except KeyError:
            return None
        return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir)

    def user_by_uid(self, uid: int) -> Account | None:
        """Look a user up by uid."""
        return self.user(str(uid))

    def group(self, name: str) -> int | None:
        """Look a group up by name, or by gid when `name` is all digits."""
        import grp

        try:
            return (grp.getgrgid(int(name)) if name.isdigit() else grp.getgrnam(name)).gr_gid
        except KeyError:
            return None

    def supplementary(self, account: Account, gid: int) -> tuple[int, ...]:
        """`os.getgrouplist` of the account with `gid` as its primary group."""
        return tuple(os.getgrouplist(account.name, gid))
