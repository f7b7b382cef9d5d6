"""Which identity a job with `user:` / `group:` gets, and when root is refused (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.privileges import (
    REFUSE_ROOT_VARIABLE,
    Account,
    Identity,
    PrivilegeError,
    SystemAccountDatabase,
    resolve_identity,
    root_refusal,
)

ALICE = Account("alice", 1001, 1001, "/home/alice")
RUNNER = Account("runner", 999, 999, "/var/lib/jobrunner")


class FakeAccounts:
    """alice (in groups 1001 and 27) and runner; groups alice, sudo(27), backup(34)."""

    def user(self, name: str) -> Account | None:
        """By name or numeric uid."""
        for account in (ALICE, RUNNER):
            if name in (account.name, str(account.uid)):
                return account
        return None

    def user_by_uid(self, uid: int) -> Account | None:
        """By uid."""
        return self.user(str(uid))

    def group(self, name: str) -> int | None:
        """By name or numeric gid."""
        groups = {"alice": 1001, "sudo": 27, "backup": 34, "runner": 999}
        if name.isdigit():
            return int(name) if int(name) in groups.values() else None
        return groups.get(name)

    def supplementary(self, account: Account, gid: int) -> tuple[int, ...]:
        """alice is also in sudo."""
        return (gid, 27) if account is ALICE else (gid,)


def resolve(user: str | None, group: str | None = None, *, euid: int = 0) -> Identity | None:
    """resolve_identity with the fake accounts."""
    egid = 0 if euid == 0 else 999
    return resolve_identity(user, group, euid=euid, egid=egid, accounts=FakeAccounts())


def test_no_user_no_group_keeps_the_runner_identity() -> None:
    """Without user/group nothing changes, for root and others."""
    assert resolve(None) is None
    assert resolve(None, euid=999) is None


def test_root_switches_to_the_user_with_groups_and_environment() -> None:
    """As root: uid, primary gid, supplementary groups and HOME/USER/LOGNAME of the user."""
    identity = resolve("alice")
    assert identity == Identity(
        1001,
        1001,
        (1001, 27),
        {"HOME": "/home/alice", "USER": "alice", "LOGNAME": "alice"},
    )
    assert resolve("1001") == identity


def test_group_replaces_the_primary_group() -> None:
    """`group:` becomes the primary group; supplementary groups are computed from it."""
    identity = resolve("alice", "backup")
    assert identity is not None
    assert (identity.uid, identity.gid, identity.groups) == (1001, 34, (34, 27))


def test_group_alone_keeps_root_but_changes_the_group() -> None:
    """`group:` without `user:` keeps uid 0 with only that group."""
    assert resolve(None, "backup") == Identity(None, 34, (34,))


@pytest.mark.parametrize(
    ("user", "group", "words"),
    [
        ("mallory", None, "user 'mallory' does not exist on this host; create it"),
        ("alice", "wheel", "group 'wheel' does not exist on this host; create it"),
    ],
)
def test_unknown_user_or_group_is_an_error_naming_it(
    user: str, group: str | None, words: str
) -> None:
    """A missing user or group is refused with its name and how to fix it."""
    with pytest.raises(PrivilegeError, match=words):
        resolve(user, group)


def test_unprivileged_runner_cannot_switch_users() -> None:
    """Not root: another user is an error naming both users; its own user is fine."""
    with pytest.raises(PrivilegeError) as caught:
        resolve("alice", euid=999)
    assert "runs as runner and cannot start a job as user 'alice'" in str(caught.value)
    assert "only a runner started as root" in str(caught.value)
    assert resolve("runner", euid=999) is None
    assert resolve("runner", "runner", euid=999) is None
    with pytest.raises(PrivilegeError, match="cannot start a job with group id 34"):
        resolve("runner", "backup", euid=999)


def test_root_refused_when_the_variable_is_set() -> None:
    """JOBRUNNER_REFUSE_ROOT=1 refuses root, never another user."""
    env = {REFUSE_ROOT_VARIABLE: "1"}
    reason = root_refusal(euid=0, environ=env, state_dir_owner=None, owner_name="?")
    assert reason is not None
    assert REFUSE_ROOT_VARIABLE in reason
    assert root_refusal(euid=999, environ=env, state_dir_owner=None, owner_name="?") is None


def test_root_refused_on_a_state_directory_of_another_user() -> None:
    """Root on the service user's state directory is refused with a `sudo -u` hint."""
    reason = root_refusal(euid=0, environ={}, state_dir_owner=999, owner_name="jobrunner")
    assert reason is not None
    assert "sudo -u jobrunner jobrunner" in reason
    assert root_refusal(euid=0, environ={}, state_dir_owner=0, owner_name="root") is None
    assert root_refusal(euid=0, environ={}, state_dir_owner=None, owner_name="?") is None


def test_system_database_knows_root_and_nobody() -> None:
    """The real database resolves root by name and uid; unknown names are None."""
    db = SystemAccountDatabase()
    root = db.user("root")
    assert root is not None
    assert root.uid == 0
    assert db.user("0") == root
    assert db.user("no-such-user-jobrunner-test") is None
    assert db.group("root") == 0
    assert db.group("no-such-group-jobrunner-test") is None
    assert 0 in db.supplementary(root, 0)


def test_system_unit_refuses_root() -> None:
    """The shipped system unit sets JOBRUNNER_REFUSE_ROOT=1 beside User=."""
    unit = Path(__file__).resolve().parents[2] / "contrib" / "systemd" / "jobrunner.service"
    lines = unit.read_text(encoding="utf-8").splitlines()
    assert f"Environment={REFUSE_ROOT_VARIABLE}=1" in lines
    assert "User=jobrunner" in lines


def test_command_type_refuses_another_user_when_not_root(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Wired into the command type: a runner that is not root gets a LaunchError naming the
    user instead of starting the job as itself."""
    import pwd
    from datetime import timedelta

    from runner.jobtypes.base import LaunchContext, LaunchError
    from runner.jobtypes.command import CommandType
    from runner.model import JobDef

    nobody = pwd.getpwnam("nobody")
    monkeypatch.setattr("runner.jobtypes.command.os.geteuid", lambda: nobody.pw_uid)
    monkeypatch.setattr("runner.jobtypes.command.os.getegid", lambda: nobody.pw_gid)
    job = JobDef("j", "command", timedelta(hours=1), {"argv": ["true"], "user": "root"})
    context = LaunchContext(root=tmp_path, environ={})
    with pytest.raises(LaunchError, match="cannot start a job as user 'root'"):
        CommandType().launch(job, context)
    own = JobDef("j", "command", timedelta(hours=1), {"argv": ["true"], "user": "nobody"})
    spec = CommandType().launch(own, context)
    assert (spec.user, spec.group, spec.extra_groups) == (None, None, None)
