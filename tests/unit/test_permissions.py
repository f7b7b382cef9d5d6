"""The pure permission check: which modes and owners are refused, warned about, or fine."""

from __future__ import annotations

import stat

from runner.definitions.permissions import (
    GIT_CODE,
    PathFacts,
    PermissionPolicy,
    blocks_git,
    check_permissions,
    policy_for,
)
from runner.diagnostics import Severity

RUNNER = 1000
FILE = stat.S_IFREG
DIR = stat.S_IFDIR


class FakeAccounts:
    """Names without an account database; group 1000 is user 1000's private group."""

    def user_name(self, uid: int) -> str:
        """`root`, `runner` or `uNNN`."""
        return {0: "root", RUNNER: "runner"}.get(uid, f"u{uid}")

    def group_name(self, gid: int) -> str:
        """`gNNN`."""
        return f"g{gid}"

    def is_private_group(self, gid: int, uid: int) -> bool:
        """Only gid 1000 of uid 1000."""
        return gid == uid == RUNNER


def facts(
    mode: int, uid: int = RUNNER, gid: int = 50, *, file: str | None = "a.yaml", git: bool = False
) -> PathFacts:
    """One path's facts."""
    return PathFacts(file, f"/srv/jobs/{file or ''}", mode, uid, gid, git)


def check(*items: PathFacts, policy: PermissionPolicy = PermissionPolicy.ENFORCE) -> list:  # type: ignore[type-arg]
    """Run the check as user RUNNER."""
    return check_permissions(items, euid=RUNNER, policy=policy, accounts=FakeAccounts())


def test_private_modes_owned_by_runner_or_root_are_fine() -> None:
    """0644 files and 0755 directories owned by the runner or root give no finding."""
    assert check(facts(FILE | 0o644), facts(DIR | 0o755, uid=0, file="sub")) == []


def test_world_writable_file_is_an_error_naming_the_fix() -> None:
    """o+w on a file is `insecure-permissions`, an error whose hint is `chmod o-w PATH`."""
    [found] = check(facts(FILE | 0o646))
    assert found.code == "insecure-permissions"
    assert found.severity is Severity.ERROR
    assert found.file == "a.yaml"
    assert "mode 0646" in found.message
    assert found.hint is not None
    assert "chmod o-w /srv/jobs/a.yaml" in found.hint
    assert "--allow-insecure-permissions" in found.hint


def test_world_writable_sticky_directory_is_refused_too() -> None:
    """A sticky o+w directory inside the tree still lets anyone add a definition."""
    [found] = [d for d in check(facts(DIR | 0o1777, file="drop")) if d.is_error]
    assert found.code == "insecure-permissions"
    assert found.message.startswith("directory is writable by every user")


def test_foreign_owner_is_an_error_naming_chown() -> None:
    """A file of another (non-root) user is `insecure-owner` with a `chown runner` hint."""
    [found] = check(facts(FILE | 0o644, uid=65534))
    assert found.code == "insecure-owner"
    assert found.is_error
    assert "user u65534 (uid 65534)" in found.message
    assert "runner's user runner" in found.message
    assert found.hint is not None
    assert "chown runner /srv/jobs/a.yaml" in found.hint


def test_root_owned_files_are_trusted_by_any_runner() -> None:
    """Root can change anything anyway: root-owned definitions are fine for every user."""
    assert check(facts(FILE | 0o644, uid=0)) == []


def test_group_writable_is_one_warning_per_group() -> None:
    """Three group-writable paths of one group give one warning counting the others."""
    found = check(
        facts(FILE | 0o664, file="a.yaml"),
        facts(FILE | 0o664, file="b.yaml"),
        facts(DIR | 0o775, file="sub"),
    )
    assert [(d.code, d.severity) for d in found] == [("group-writable", Severity.WARNING)]
    assert "/srv/jobs/a.yaml and 2 more can be written by group g50" in found[0].message


def test_group_writable_in_a_user_private_group_is_fine() -> None:
    """umask 002 with a user private group (named like the owner, no members) is silent."""
    assert check(facts(FILE | 0o664, gid=RUNNER)) == []


def test_lint_and_allow_turn_errors_into_warnings() -> None:
    """WARN (lint) and ALLOW (--allow-insecure-permissions) report the same, as warnings."""
    for policy in (PermissionPolicy.WARN, PermissionPolicy.ALLOW):
        found = check(facts(FILE | 0o666, uid=65534), policy=policy)
        assert {d.code for d in found} == {
            "insecure-permissions",
            "insecure-owner",
            "group-writable",
        }
        assert not any(d.is_error for d in found)


def test_policy_for_the_option() -> None:
    """The option selects ALLOW, its absence ENFORCE."""
    assert policy_for(True) is PermissionPolicy.ALLOW
    assert policy_for(False) is PermissionPolicy.ENFORCE


def test_git_directory_findings_have_their_own_code_and_block_git() -> None:
    """A world-writable git directory is `insecure-git-dir`; enforced it blocks git."""
    found = check(facts(DIR | 0o777, file=None, git=True))
    assert {d.code for d in found} == {GIT_CODE, "group-writable"}
    assert "the git directory's /srv/jobs/" in found[0].message
    assert blocks_git(found)
    assert not blocks_git(
        check(facts(DIR | 0o777, file=None, git=True), policy=PermissionPolicy.ALLOW)
    )


def test_paths_outside_the_tree_are_named_in_the_message() -> None:
    """The root itself (file None) is named by its absolute path, not as `.`."""
    [found] = check(facts(DIR | 0o757, file=None))
    assert found.file is None
    assert found.message.startswith("directory /srv/jobs/ is writable by every user")
