"""The built-in `http`, `housekeeping` and `git-sync` types through the real CLI: schema,
lint, a `run` pass with housekeeping between two jobs, and `run-job` of the other two."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gitrepo import GIT_ENV, GitRepo
from tests.httpserver import Server, serve
from tests.integration.cli import json_stdout, run_cli
from tests.integration.daemonproc import DaemonProcess, event

COMMAND = "kind: Job\nname: {name}\ntype: command\ninterval: 1h\nsettings: {{argv: [/bin/true]}}\n"
HTTP = "kind: Job\nname: ping\ntype: http\ninterval: 1h\nsettings:\n  url: {url}\n"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A local HTTP server."""
    with serve() as running:
        yield running


def test_schema_prints_each_type() -> None:
    """`jobrunner schema` lists the built-ins and prints each one's settings schema."""
    listed = run_cli("schema").stdout.split()
    assert {"command", "http", "housekeeping", "git-sync"} <= set(listed)
    for name in ("http", "housekeeping", "git-sync"):
        done = run_cli("schema", name)
        assert done.returncode == 0, done.stderr
        assert json_stdout(done)["title"] == f"{name} job settings"


def test_lint_refuses_a_literal_credential(tmp_path: Path) -> None:
    """A password written into the YAML is a lint error at its line and column."""
    text = HTTP.format(url="https://x.example") + "  auth: {basic: {username: u, password: pw}}\n"
    (tmp_path / "ping.yaml").write_text(text)
    done = run_cli("lint", str(tmp_path))
    assert done.returncode == 1
    assert "ping.yaml:7:41: error[settings]: auth.basic.password is a literal" in done.stdout


def test_housekeeping_between_two_jobs_loses_no_record(tmp_path: Path) -> None:
    """A pass a, b-housekeeping, c after `old` was removed: old's record, history and a
    stale request file go, the journal is compacted, every other record is complete."""
    jobs, state = tmp_path / "jobs", tmp_path / "state" / "state.json"
    jobs.mkdir()
    (jobs / "old.yaml").write_text(COMMAND.format(name="old"))
    assert run_cli("--jobs-dir", str(jobs), "run", state_file=state).returncode == 0
    (jobs / "old.yaml").unlink()
    for name in ("a", "c"):
        (jobs / f"{name}.yaml").write_text(COMMAND.format(name=name))
    (jobs / "hk.yaml").write_text(
        "kind: Job\nname: b-housekeeping\ntype: housekeeping\ninterval: 1d\n"
        "settings: {forget_removed_after: 0}\n"
    )
    stale = state.parent / "requests" / "20250101T000000-1-abc.json"
    stale.parent.mkdir()
    stale.write_text("{}")
    os.utime(stale, (0, 0))
    done = run_cli("--jobs-dir", str(jobs), "run", state_file=state)
    assert done.returncode == 0, done.stderr
    document = json.loads(state.read_text())
    assert sorted(document["jobs"]) == ["a", "b-housekeeping", "c"]
    for name, record in document["jobs"].items():
        assert (record["runs"], record["last_result"], record["attempt"]) == (1, "success", None)
        assert record["last_finished"] >= record["last_attempt"], name
    assert (
        document["jobs"]["a"]["last_finished"] <= document["jobs"]["b-housekeeping"]["last_attempt"]
    )
    assert state.with_suffix(".journal").stat().st_size == 0
    assert not (state.parent / "runs" / "old").exists()
    assert not stale.exists()
    history = run_cli("--jobs-dir", str(jobs), "history", "b-housekeeping", state_file=state)
    assert history.returncode == 0, history.stderr


def test_http_run_job_success_and_failure(server: Server, tmp_path: Path) -> None:
    """`run-job` of an http job exits 0 on 200 and 1 on 503, saying status and body."""
    jobs, state = tmp_path / "jobs", tmp_path / "state.json"
    jobs.mkdir()
    (jobs / "ping.yaml").write_text(HTTP.format(url=f"{server.url}/ok"))
    ok = run_cli("--jobs-dir", str(jobs), "run-job", "ping", state_file=state)
    assert ok.returncode == 0, ok.stderr
    (jobs / "ping.yaml").write_text(HTTP.format(url=f"{server.url}/fail"))
    failed = run_cli("--jobs-dir", str(jobs), "run-job", "ping", state_file=state)
    assert failed.returncode == 1
    assert "returned 503 Service Unavailable, expected 2xx; body: maintenance" in failed.stderr


def _origin_and_clone(tmp_path: Path) -> tuple[GitRepo, Path]:
    origin = GitRepo(tmp_path / "origin")
    origin.write("jobs/sync.yaml", "kind: Job\nname: sync\ntype: git-sync\ninterval: 5m\n")
    origin.commit("sync job")
    host = tmp_path / "host"
    env = {**os.environ, **GIT_ENV, "HOME": str(tmp_path)}
    subprocess.run(["git", "clone", "-q", str(origin.path), str(host)], env=env, check=True)
    return origin, host


def test_daemon_follows_the_branch_with_git_sync(tmp_path: Path) -> None:
    """A daemon whose only job is git-sync fast-forwards to a new commit, reloads through
    its watcher and runs the job that commit added."""
    origin, host = _origin_and_clone(tmp_path)
    origin.write("jobs/a.yaml", COMMAND.format(name="a"))
    origin.commit("add a")
    extra = {**GIT_ENV, "HOME": str(tmp_path)}
    daemon = DaemonProcess(host / "jobs", tmp_path / "state" / "state.json", env=extra)
    try:
        daemon.wait_for(event("job.finished", job="sync", result="success"))
        daemon.wait_for(event("job.finished", job="a", result="success"))
        assert daemon.stop() == 0
    finally:
        daemon.close()
    assert GitRepo(host).head() == origin.head()


def test_git_sync_run_job_follows_the_branch(tmp_path: Path) -> None:
    """`run-job` of a git-sync job fast-forwards the runner's own definitions checkout."""
    origin, host = _origin_and_clone(tmp_path)
    origin.write("jobs/a.yaml", COMMAND.format(name="a"))
    new = origin.commit("add a")
    extra = {**GIT_ENV, "HOME": str(tmp_path)}
    done = run_cli(
        "--jobs-dir",
        str(host / "jobs"),
        "run-job",
        "sync",
        state_file=tmp_path / "s.json",
        env=extra,
    )
    assert done.returncode == 0, done.stderr
    assert GitRepo(host).head() == new
