"""The metrics file through the real CLI: `run --metrics-file`, `JOBRUNNER_METRICS_FILE` for
`run-job` and the daemon (up 1 while it runs, 0 after SIGTERM), and an unwritable path."""

from __future__ import annotations

import json
import select
import stat
import time
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.integration.cli import json_stdout, run_cli
from tests.integration.daemonproc import WAIT_S, DaemonProcess, event
from tests.integration.test_run_cli import job
from tests.unit.test_metrics_promtext import Family, parse


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """Two committed hourly jobs: `ok` succeeds, `bad` exits 3."""
    git_repo.write("jobs/ok.yaml", job("ok", 'argv: ["true"]'))
    git_repo.write("jobs/bad.yaml", job("bad", 'shell: "exit 3"'))
    git_repo.commit("two jobs")
    return git_repo


def test_run_writes_a_parseable_metrics_file(repo: GitRepo, tmp_path: Path) -> None:
    """After `run`, the file parses strictly, is 0644, and shows both jobs' outcomes."""
    metrics = tmp_path / "textfile" / "jobrunner.prom"
    metrics.parent.mkdir()
    jobs, state = str(repo.path / "jobs"), tmp_path / "state" / "state.json"
    done = run_cli("--jobs-dir", jobs, "run", "--metrics-file", str(metrics), state_file=state)
    assert done.returncode == 1, done.stderr
    assert stat.S_IMODE(metrics.stat().st_mode) == 0o644
    assert [p.name for p in metrics.parent.iterdir()] == ["jobrunner.prom"]
    families = parse(metrics.read_text())
    result = families["jobrunner_job_last_result"]
    assert result.value(job="ok", result="success") == 1
    assert result.value(job="bad", result="failure") == 1
    assert families["jobrunner_job_last_exit_code"].value(job="bad") == 3
    assert families["jobrunner_job_runs_total"].value(job="ok") == 1
    assert families["jobrunner_job_failures_total"].value(job="bad") == 1
    assert families["jobrunner_loaded_revision_info"].value(revision=repo.head()) == 1
    assert "jobrunner_daemon_up" not in families
    env = {"JOBRUNNER_METRICS_FILE": str(metrics)}
    again = run_cli("--jobs-dir", jobs, "run-job", "ok", state_file=state, env=env)
    assert again.returncode == 0, again.stderr
    assert parse(metrics.read_text())["jobrunner_job_runs_total"].value(job="ok") == 2


def test_unwritable_metrics_path_is_logged_and_jobs_still_run(
    repo: GitRepo, tmp_path: Path
) -> None:
    """A metrics file in a missing directory: one warning with the fix; results unchanged."""
    metrics = tmp_path / "missing" / "jobrunner.prom"
    jobs, state = str(repo.path / "jobs"), tmp_path / "state" / "state.json"
    done = run_cli(
        "--jobs-dir",
        jobs,
        "--log-format",
        "json",
        "run",
        "--metrics-file",
        str(metrics),
        state_file=state,
    )
    assert done.returncode == 1
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    warnings = [e for e in events if e["event"] == "metrics.not_written"]
    assert len(warnings) == 1
    assert warnings[0]["path"] == str(metrics)
    assert f"create {metrics.parent}" in warnings[0]["hint"]
    status = run_cli("--jobs-dir", jobs, "status", "--format", "json", state_file=state)
    results = {row["job"]: row["last_result"] for row in json_stdout(status)["jobs"]}
    assert results == {"bad": "failure", "ok": "success"}


def metrics_when(path: Path, name: str, value: float) -> dict[str, Family]:
    """The parsed metrics file once family `name` (without labels) has `value`."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            families = parse(path.read_text())
        except OSError:
            families = {}
        if name in families and families[name].value() == value:
            return families
        select.select([], [], [], 0.02)
    pytest.fail(f"{path} never had {name} {value}")


def test_daemon_writes_up_and_reload_metrics(repo: GitRepo, tmp_path: Path) -> None:
    """The daemon writes the file after its runs and reloads, and up 0 on SIGTERM."""
    metrics = tmp_path / "jobrunner.prom"
    daemon = DaemonProcess(
        repo.path / "jobs",
        tmp_path / "state" / "state.json",
        env={"JOBRUNNER_METRICS_FILE": str(metrics)},
    )
    try:
        daemon.wait_for(event("job.finished", job="ok"))
        daemon.wait_for(event("job.finished", job="bad"))
        families = metrics_when(metrics, "jobrunner_daemon_up", 1)
        assert families["jobrunner_daemon_degraded"].value() == 0
        assert families["jobrunner_daemon_resident_memory_bytes"].value() > 0
        repo.write("jobs/broken.yaml", "kind: Job\nname: broken\ntype: command\ninterval: x\n")
        daemon.wait_for(event("reload.refused"))
        families = metrics_when(metrics, "jobrunner_daemon_reload_failures_total", 1)
        assert families["jobrunner_daemon_degraded"].value() == 1
        assert families["jobrunner_daemon_reload_errors"].value() >= 1
        assert families["jobrunner_job_last_result"].value(job="bad", result="failure") == 1
        assert daemon.stop() == 0
        assert parse(metrics.read_text())["jobrunner_daemon_up"].value() == 0
    finally:
        daemon.close()
