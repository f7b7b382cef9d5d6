"""The `git-sync` type against temporary git repositories: fast-forward, diverged history,
a target that does not lint, a dirty work tree, signatures, and a run in a worker child."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from runner.clock import SystemClock
from runner.executor import Executor, Result, RunRequest
from runner.jobtypes import LaunchContext, default_registry
from runner.jobtypes.gitsync import GitSyncType
from runner.jobtypes.gitsyncops import SyncPlan, SyncRefused, sync
from runner.model import JobDef, Source
from tests.gitrepo import GIT_ENV, GitRepo

JOB = (
    "kind: Job\nname: {name}\ntype: command\ninterval: {interval}\nsettings:\n  argv: [/bin/true]\n"
)


class Clone(GitRepo):
    """A clone of another GitRepo (the host's checkout), tracking its `main`."""

    def __init__(self, origin: GitRepo, path: Path) -> None:
        env = {**os.environ, **GIT_ENV, "HOME": str(path.parent)}
        subprocess.run(
            ["git", "clone", "-q", str(origin.path), str(path)],
            env=env,
            check=True,
            capture_output=True,
        )
        self.path = path


@pytest.fixture
def repos(tmp_path: Path) -> tuple[GitRepo, Clone]:
    """An origin with one valid job under jobs/, and a host clone of it."""
    origin = GitRepo(tmp_path / "origin")
    origin.write("jobs/a.yaml", JOB.format(name="a", interval="5m"))
    origin.commit("first")
    return origin, Clone(origin, tmp_path / "host")


def _sync(host: GitRepo, **kw: object) -> str:
    lines: list[str] = []
    return sync(SyncPlan(definitions_dir=host.path / "jobs", **kw), lines.append)  # type: ignore[arg-type]


def test_fast_forward(repos: tuple[GitRepo, Clone]) -> None:
    """A new valid commit on the remote is fetched and HEAD fast-forwards to it."""
    origin, host = repos
    origin.write("jobs/b.yaml", JOB.format(name="b", interval="1h"))
    new = origin.commit("add b")
    message = _sync(host)
    assert host.head() == new
    assert (host.path / "jobs" / "b.yaml").exists()
    old = host.git("rev-parse", "HEAD~1")
    assert message == f"fast-forwarded main from {old[:7]} to {new[:7]} (1 new commit(s))"


def test_up_to_date_and_ahead(repos: tuple[GitRepo, Clone]) -> None:
    """Nothing new is success; a local commit ahead of the remote is left alone."""
    _origin, host = repos
    assert _sync(host).startswith("main is up to date with origin/main at ")
    host.write("jobs/c.yaml", JOB.format(name="c", interval="1h"))
    ahead = host.commit("local")
    assert "is ahead of origin/main" in _sync(host)
    assert host.head() == ahead


def test_diverged_history_is_refused(repos: tuple[GitRepo, Clone]) -> None:
    """Local and remote commits on both sides: refused, HEAD unchanged, counts given."""
    origin, host = repos
    origin.write("jobs/b.yaml", JOB.format(name="b", interval="1h"))
    origin.commit("remote change")
    host.write("jobs/c.yaml", JOB.format(name="c", interval="1h"))
    local = host.commit("local change")
    with pytest.raises(SyncRefused, match="have diverged: 1 local and 1 remote commit") as caught:
        _sync(host)
    assert "git-sync only fast-forwards" in str(caught.value)
    assert host.head() == local


def test_target_that_does_not_lint_is_refused(repos: tuple[GitRepo, Clone]) -> None:
    """A remote commit with invalid definitions: refused with file:line, HEAD unchanged."""
    origin, host = repos
    before = host.head()
    origin.write("jobs/a.yaml", JOB.format(name="a", interval="soon"))
    broken = origin.commit("break a")
    with pytest.raises(SyncRefused) as caught:
        _sync(host)
    message = str(caught.value)
    assert message.startswith(f"the definitions at {broken[:7]} do not lint (1 error(s)), HEAD ")
    assert "a.yaml:4:11: " in message
    assert host.head() == before
    assert "soon" not in (host.path / "jobs" / "a.yaml").read_text()


def test_dirty_work_tree_is_refused(repos: tuple[GitRepo, Clone]) -> None:
    """An uncommitted change (or untracked file) stops the sync before anything moves."""
    origin, host = repos
    origin.write("jobs/b.yaml", JOB.format(name="b", interval="1h"))
    origin.commit("add b")
    before = host.head()
    host.write("jobs/a.yaml", JOB.format(name="a", interval="7m"))
    host.write("notes.txt", "scratch")
    with pytest.raises(SyncRefused, match=r"has uncommitted changes \(jobs/a.yaml, notes.txt\)"):
        _sync(host)
    assert host.head() == before
    assert "7m" in (host.path / "jobs" / "a.yaml").read_text()


def test_no_upstream_and_explicit_branch(repos: tuple[GitRepo, Clone]) -> None:
    """Without an upstream the job says how to set one; `branch` names it explicitly."""
    origin, host = repos
    host.git("branch", "--unset-upstream")
    with pytest.raises(SyncRefused, match="branch main has no upstream; set `branch`"):
        _sync(host)
    origin.write("jobs/b.yaml", JOB.format(name="b", interval="1h"))
    new = origin.commit("add b")
    _sync(host, branch="main")
    assert host.head() == new


def test_not_a_git_work_tree(tmp_path: Path) -> None:
    """A plain directory is refused with what to do."""
    with pytest.raises(SyncRefused, match="is not in a git work tree"):
        sync(SyncPlan(definitions_dir=tmp_path), print)


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_signatures_are_verified(repos: tuple[GitRepo, Clone], tmp_path: Path) -> None:
    """With verify_signatures an unsigned commit and one signed by an unknown key are
    refused; one signed by an allowed key (SSH signing, gpg.ssh.allowedSignersFile) is
    fast-forwarded to."""
    origin, host = repos
    key, stranger = tmp_path / "key", tmp_path / "stranger"
    for path in (key, stranger):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
            check=True,
            capture_output=True,
        )
    allowed = tmp_path / "allowed"
    allowed.write_text(f"test@example.invalid {key.with_suffix('.pub').read_text()}")
    host.git("config", "gpg.ssh.allowedSignersFile", str(allowed))
    origin.write("jobs/b.yaml", JOB.format(name="b", interval="1h"))
    unsigned = origin.commit("unsigned")
    with pytest.raises(SyncRefused, match=f"commit {unsigned[:7]} has no valid signature") as no:
        _sync(host, verify_signatures=True)
    assert "(it is not signed); sign the commit" in str(no.value)  # not GitPython's repr
    origin.git("config", "gpg.format", "ssh")
    origin.git("config", "user.signingkey", str(stranger))
    origin.git("commit", "-q", "--allow-empty", "-S", "-m", "signed by a stranger")
    with pytest.raises(SyncRefused, match="has no valid signature from a trusted key"):
        _sync(host, verify_signatures=True)
    origin.git("config", "user.signingkey", str(key))
    origin.write("jobs/c.yaml", JOB.format(name="c", interval="1h"))
    origin.git("add", "-A")
    origin.git("commit", "-q", "-S", "-m", "signed")
    _sync(host, verify_signatures=True)
    assert host.head() == origin.head()


def test_schema_and_registration() -> None:
    """`git-sync` is built in and accepts remote, branch, path, verify_signatures only."""
    job_type = default_registry(with_plugins=False).get("git-sync")
    assert job_type is not None
    assert set(job_type.settings_schema["properties"]) == {
        "remote",
        "branch",
        "path",
        "verify_signatures",
    }


def test_runs_in_a_worker_child(repos: tuple[GitRepo, Clone], tmp_path: Path) -> None:
    """Through the executor: the worker finds the definitions directory from the runner and
    a refusal becomes the run's error."""
    origin, host = repos
    job = JobDef("sync", "git-sync", timedelta(minutes=5), {}, source=Source("a.yaml", 1))
    spec = GitSyncType().launch(job, LaunchContext(root=host.path / "jobs", environ={}))
    env = {**os.environ, **GIT_ENV, "HOME": str(tmp_path)}

    def run(run_id: str) -> tuple[Result, str | None, str]:
        out = tmp_path / f"{run_id}.log"
        request = RunRequest("sync", run_id, spec, timedelta(seconds=60), out)
        outcome = Executor(clock=SystemClock(), environ=env).run(request)
        return outcome.result, outcome.error, out.read_text()

    origin.write("jobs/b.yaml", JOB.format(name="b", interval="1h"))
    origin.commit("add b")
    result, _error, output = run("r1")
    assert result is Result.SUCCESS, output
    assert "INFO fast-forwarded main from" in output
    host.write("jobs/b.yaml", "local edit\n")
    result, error, _output = run("r2")
    assert result is Result.FAILURE
    assert error is not None
    assert "has uncommitted changes (jobs/b.yaml)" in error


def test_git_calls_keep_automatic_gc_in_the_foreground(git_repo: GitRepo) -> None:
    """fetch/merge may start `git gc --auto`; detached, it would run in a session of its own
    that the runner kills after the job. The sync's git calls turn detaching off and keep
    the safe.directory entry."""
    from runner.jobtypes.gitsyncops import _no_detached_gc
    from runner.revision import open_repository

    git_repo.write("jobs/a.yaml", "kind: Job\n")
    git_repo.commit("one")
    with open_repository(git_repo.path) as repo:
        assert repo is not None
        repo.git.update_environment(**_no_detached_gc(repo))
        assert str(repo.git.config("--get", "gc.autoDetach")) == "false"
        assert str(repo.git.config("--get", "maintenance.autoDetach")) == "false"
        safe = str(repo.git.config("--get-all", "safe.directory"))
        assert str(git_repo.path.resolve()) in safe
