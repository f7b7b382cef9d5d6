"""The permission check over a real tree: which paths are looked at (files, directories,
symlink targets, the git directory) and how the loader, session and scanner use it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from runner.definitions import load_definitions
from runner.definitions.permissions import GIT_CODE, UNTRUSTED_GIT, PermissionPolicy
from runner.definitions.permscan import SystemAccounts, collect_facts, scan_permissions
from runner.jobtypes import default_registry
from runner.reload import Scanner
from runner.session import load
from tests.gitrepo import GitRepo

NOBODY = 65534
JOB = """kind: Job
name: {name}
type: command
interval: 15m
settings:
  argv: ["/bin/true"]
"""
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="giving files to another user (chown) needs root"
)


def _tree(root: Path) -> Path:
    """A private tree with one job in a subdirectory; returns the job file."""
    (root / "sub").mkdir(parents=True)
    root.chmod(0o755)
    (root / "sub").chmod(0o755)
    job = root / "sub" / "a.yaml"
    job.write_text(JOB.format(name="a"))
    job.chmod(0o644)
    return job


def _codes(
    root: Path, policy: PermissionPolicy = PermissionPolicy.ENFORCE
) -> dict[str | None, set[str]]:
    found: dict[str | None, set[str]] = {}
    files = [p.relative_to(root).as_posix() for p in root.rglob("*.yaml")]
    for diagnostic in scan_permissions(root, files, policy):
        found.setdefault(diagnostic.file, set()).add(diagnostic.code)
    return found


@needs_root
def test_an_unprivileged_runner_trusts_its_own_files_and_roots_not_others(tmp_path: Path) -> None:
    """For runner nobody: nobody's and root's files pass, a file of user 1 (daemon) does not."""
    root = tmp_path / "jobs"
    job = _tree(root)
    os.chown(job, NOBODY, -1)
    os.chown(root / "sub", NOBODY, -1)
    assert scan_permissions(root, ["sub/a.yaml"], PermissionPolicy.ENFORCE, euid=NOBODY) == []
    os.chown(job, 1, -1)
    [found] = scan_permissions(root, ["sub/a.yaml"], PermissionPolicy.ENFORCE, euid=NOBODY)
    assert found.code == "insecure-owner"
    assert found.hint is not None
    assert f"chown nobody {job.resolve()}" in found.hint


def test_a_private_tree_has_no_findings(tmp_path: Path) -> None:
    """0755 directories and 0644 files of the runner's own user pass."""
    _tree(tmp_path / "jobs")
    assert _codes(tmp_path / "jobs") == {}


def test_world_writable_file_directory_and_root_are_found(tmp_path: Path) -> None:
    """o+w on the file, on its directory and on the root are each reported."""
    root = tmp_path / "jobs"
    job = _tree(root)
    for path in (job, root / "sub", root):
        path.chmod(path.stat().st_mode | stat.S_IWOTH)
    found = _codes(root)
    assert found["sub/a.yaml"] == {"insecure-permissions"}
    assert found["sub"] == {"insecure-permissions"}
    assert found[None] == {"insecure-permissions"}


@needs_root
def test_a_file_of_another_user_is_found(tmp_path: Path) -> None:
    """A definition file owned by nobody is `insecure-owner` for a root runner."""
    root = tmp_path / "jobs"
    job = _tree(root)
    os.chown(job, NOBODY, -1)
    assert _codes(root) == {"sub/a.yaml": {"insecure-owner"}}


def test_symlink_targets_are_checked(tmp_path: Path) -> None:
    """A ConfigMap-style link into a hidden directory is checked at its target."""
    root = tmp_path / "jobs"
    root.mkdir()
    data = root / "..data"
    data.mkdir()
    target = data / "a.yaml"
    target.write_text(JOB.format(name="a"))
    target.chmod(0o666)
    (root / "a.yaml").symlink_to("..data/a.yaml")
    found = _codes(root)
    assert "a.yaml" not in found  # a link's own mode (always 0777) means nothing
    assert found["..data/a.yaml"] == {"insecure-permissions"}
    paths = {fact.path for fact in collect_facts(root, ["a.yaml"])}
    assert str(target.resolve()) in paths
    assert str(data.resolve()) in paths


def test_the_stat_function_is_injectable(tmp_path: Path) -> None:
    """collect_facts uses the given stat: a fake mode is judged without touching the disk."""
    root = tmp_path / "jobs"
    _tree(root)

    def fake_stat(path: str) -> os.stat_result:
        real = os.lstat(path)
        if path.endswith("/a.yaml"):
            return os.stat_result((stat.S_IFREG | 0o602, *tuple(real)[1:]))
        return real

    facts = collect_facts(root, ["sub/a.yaml"], stat=fake_stat)
    assert [f.file for f in facts if f.mode & stat.S_IWOTH] == ["sub/a.yaml"]


def test_git_directory_world_writable_blocks_git(git_repo: GitRepo) -> None:
    """A world-writable .git is `insecure-git-dir`; `load` then runs no git and no fallback."""
    git_repo.write("jobs/a.yaml", JOB.format(name="a"))
    git_repo.commit()
    git = git_repo.path / ".git"
    git.chmod(0o777)
    found = _codes(git_repo.path / "jobs")
    assert found[None] == {GIT_CODE}
    loaded = load(
        git_repo.path / "jobs",
        timezone="UTC",
        registry=default_registry(),
        last_clean=git_repo.head(),
        permissions=PermissionPolicy.ENFORCE,
    )
    assert loaded.definitions is None
    assert loaded.revision is None
    assert loaded.problems == [UNTRUSTED_GIT]


def test_git_top_level_between_root_and_git_is_checked(git_repo: GitRepo) -> None:
    """The work tree's top level (which holds .git) is checked when the root is below it."""
    git_repo.write("jobs/a.yaml", JOB.format(name="a"))
    git_repo.commit()
    git_repo.path.chmod(0o757)
    messages = [
        d.message for d in scan_permissions(git_repo.path / "jobs", [], PermissionPolicy.ENFORCE)
    ]
    assert any(str(git_repo.path) in m and "writable by every user" in m for m in messages)


def test_insecure_file_falls_back_to_the_last_clean_revision(git_repo: GitRepo) -> None:
    """An o+w definition is refused like an invalid one: the committed revision runs instead."""
    job = git_repo.write("jobs/a.yaml", JOB.format(name="a"))
    clean = git_repo.commit()
    job.chmod(0o646)
    loaded = load(
        git_repo.path / "jobs",
        timezone="UTC",
        registry=default_registry(),
        last_clean=clean,
        permissions=PermissionPolicy.ENFORCE,
    )
    assert loaded.is_degraded
    assert loaded.definitions is not None
    assert set(loaded.definitions.jobs) == {"a"}
    assert [d.code for d in loaded.diagnostics if d.is_error] == ["insecure-permissions"]


def test_allow_loads_the_tree_with_warnings(tmp_path: Path) -> None:
    """With ALLOW the same tree loads; the findings stay as warnings."""
    root = tmp_path / "jobs"
    _tree(root).chmod(0o646)
    refused = load_definitions(root, timezone="UTC", permissions=PermissionPolicy.ENFORCE)
    allowed = load_definitions(root, timezone="UTC", permissions=PermissionPolicy.ALLOW)
    unchecked = load_definitions(root, timezone="UTC")
    assert not refused.ok
    assert allowed.ok
    assert [d.code for d in allowed.diagnostics] == ["insecure-permissions"]
    assert unchecked.diagnostics == []


def test_scanner_checks_permissions_on_every_scan(tmp_path: Path) -> None:
    """The daemon's scanner refuses a scan after a chmod o+w, accepts after chmod o-w."""
    root = tmp_path / "jobs"
    job = _tree(root)
    scanner = Scanner(
        root, timezone="UTC", registry=default_registry(), permissions=PermissionPolicy.ENFORCE
    )
    first = scanner.scan().result
    assert first is not None
    assert first.ok
    job.chmod(0o646)
    second = scanner.scan().result
    assert second is not None
    assert not second.ok
    job.chmod(0o644)
    third = scanner.scan().result
    assert third is not None
    assert third.ok


def test_system_accounts_name_root() -> None:
    """The account database names uid/gid 0, falls back to numbers, knows root's group."""
    accounts = SystemAccounts()
    assert accounts.user_name(0) == "root"
    assert accounts.group_name(0) == "root"
    assert accounts.user_name(4_000_000) == "4000000"
    assert accounts.is_private_group(0, 0)


@needs_root
def test_load_for_judges_as_the_owner_of_the_state_directory(tmp_path: Path) -> None:
    """`status` by a monitoring user judges the tree as the runner would: the state
    directory's owner is the runner's user, so the runner's own files pass."""
    from runner.commands.common import load_for, runner_uid
    from runner.options import GlobalOptions

    root = tmp_path / "jobs"
    os.chown(_tree(root), NOBODY, -1)
    state = tmp_path / "state"
    state.mkdir()
    options = GlobalOptions(root, state / "state.json", "UTC", "json", verbose=False)
    os.chown(state, NOBODY, -1)
    assert runner_uid(options) == NOBODY
    loaded, _registry = load_for(options, None)
    assert loaded.is_clean
    os.chown(state, 0, -1)
    refused, _registry = load_for(options, None)
    assert [d.code for d in refused.diagnostics] == ["insecure-owner"]


def test_a_world_writable_program_in_the_tree_is_refused(tmp_path: Path) -> None:
    """`argv: [bin/import.sh]` inside the tree: the script's own mode counts like a
    definition's; a program outside the tree (/bin/true) is the system's business."""
    root = tmp_path / "jobs"
    root.mkdir()
    (root / "bin").mkdir()
    script = root / "bin" / "import.sh"
    script.write_text("#!/bin/sh\ntrue\n")
    script.chmod(0o757)
    (root / "a.yaml").write_text(JOB.format(name="a").replace("/bin/true", "bin/import.sh"))
    (root / "b.yaml").write_text(JOB.format(name="b"))
    result = load_definitions(root, timezone="UTC", permissions=PermissionPolicy.ENFORCE)
    assert [(d.file, d.code) for d in result.diagnostics] == [
        ("bin/import.sh", "insecure-permissions")
    ]
    script.chmod(0o755)
    assert load_definitions(root, timezone="UTC", permissions=PermissionPolicy.ENFORCE).ok
