"""The daemon (`run --forever`) as a service runs it: the real CLI as a subprocess against a
temporary git repository, observed through its JSON log lines, stopped with real signals."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment, json_stdout, run_cli
from tests.integration.daemonproc import DaemonProcess, event
from tests.integration.test_run_cli import job


@pytest.fixture
def daemon(git_repo: GitRepo, tmp_path: Path) -> Iterator[DaemonProcess]:
    """A daemon over a repository with one committed hourly job `a`."""
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["sh", "-c", "echo a"]'))
    git_repo.commit("job a")
    process = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    yield process
    process.close()


def test_new_job_file_runs_without_restart(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """A job file added while the daemon runs is loaded and run; SIGTERM then exits 0."""
    daemon.wait_for(event("job.finished", job="a", result="success"))
    git_repo.write("jobs/b.yaml", job("b", 'argv: ["sh", "-c", "echo b"]'))
    reloaded = daemon.wait_for(event("definitions.reloaded"))
    assert reloaded["added"] == ["b"]
    daemon.wait_for(event("job.finished", job="b", result="success"))
    assert daemon.report_when(lambda d: d["jobs"] == 2)["reloads"] == 1
    assert daemon.stop() == 0
    assert json.loads((daemon.state.parent / "daemon.json").read_text())["state"] == "stopped"


def test_broken_change_keeps_old_set_then_fix_applies(
    daemon: DaemonProcess, git_repo: GitRepo
) -> None:
    """An invalid file is refused with its line, the old job set stays; the fix is loaded."""
    daemon.wait_for(event("job.finished", job="a"))
    git_repo.write("jobs/c.yaml", job("c", 'argv: ["true"]', interval="soon"))  # one error
    invalid = daemon.wait_for(event("definitions.invalid"))
    assert invalid["where"].startswith("c.yaml:")
    daemon.wait_for(event("reload.refused"))
    report = daemon.report_when(lambda d: d["reload_failures"] == 1)
    assert report["degraded"] is True
    assert report["reload_errors"][0]["file"] == "c.yaml"
    assert report["jobs"] == 1
    status = run_cli("--jobs-dir", str(git_repo.path / "jobs"), "status", state_file=daemon.state)
    assert "because the newest definitions do not load (1 error)" in status.stdout
    git_repo.write("jobs/c.yaml", job("c", 'argv: ["true"]'))
    fixed = daemon.wait_for(event("definitions.reloaded"))
    assert fixed["added"] == ["c"]
    daemon.wait_for(event("job.finished", job="c", result="success"))
    assert daemon.stop() == 0


def test_sigterm_during_job_records_interrupted(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """SIGTERM while a job runs stops it gracefully, records `interrupted` and exits 0."""
    daemon.wait_for(event("job.finished", job="a"))
    git_repo.write("jobs/slow.yaml", job("slow", 'argv: ["sleep", "60"]'))
    daemon.wait_for(event("job.started", job="slow"))
    assert daemon.stop() == 0
    finished = daemon.wait_for(event("job.finished", job="slow"))
    assert finished["result"] == "interrupted"


def test_pause_from_another_shell(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """`jobrunner pause` while the daemon holds the lock stops job starts until resume."""
    daemon.wait_for(event("job.finished", job="a"))
    paused = run_cli("pause", "--reason", "incident", state_file=daemon.state)
    assert paused.returncode == 0, paused.stderr
    daemon.wait_for(event("daemon.paused", reason="incident"))
    git_repo.write("jobs/b.yaml", job("b", 'argv: ["true"]'))
    daemon.wait_for(event("definitions.reloaded"))
    assert not (daemon.state.parent / "runs" / "b").exists()
    assert run_cli("resume", state_file=daemon.state).returncode == 0
    daemon.wait_for(event("job.finished", job="b", result="success"))
    assert daemon.stop() == 0


def test_run_job_through_the_running_daemon(daemon: DaemonProcess) -> None:
    """run-job while the daemon holds the lock is run by the daemon, with the job's outcome;
    an unknown job is refused with exit 2 and the closest names, as without a daemon."""
    first = daemon.wait_for(event("job.finished", job="a"))
    done = run_cli("run-job", "a", state_file=daemon.state)
    assert done.returncode == 0, done.stderr
    assert "a: success" in done.stdout
    daemon.wait_for(event("job.requested", job="a"))
    again = daemon.wait_for(
        lambda line: event("job.finished", job="a")(line) and line["run_id"] != first["run_id"]
    )
    assert again["result"] == "success"
    unknown = run_cli("run-job", "aa", state_file=daemon.state)
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines()[-1] == (
        "jobrunner: unknown job 'aa'; did you mean a? (`jobrunner status` lists the jobs)"
    )
    assert not list((daemon.state.parent / "requests").iterdir())
    assert daemon.stop() == 0


def test_status_shows_a_job_waiting_behind_the_running_one(
    daemon: DaemonProcess, git_repo: GitRepo
) -> None:
    """A due job behind a long one is shown as `waiting behind` by `status`, with the daemon."""
    daemon.wait_for(event("job.finished", job="a"))
    git_repo.write(
        "jobs/long.yaml",
        job("aa-long", 'argv: ["sleep", "30"]') + "\n---\n" + job("zz", 'argv: ["true"]'),
    )
    daemon.wait_for(event("job.started", job="aa-long"))
    daemon.report_when(lambda d: [w["job"] for w in d["waiting"]] == ["zz"])
    shown = run_cli(
        "--jobs-dir",
        str(git_repo.path / "jobs"),
        "status",
        "--format",
        "json",
        state_file=daemon.state,
    )
    assert shown.returncode == 0, shown.stderr
    document = json_stdout(shown)
    rows = {row["job"]: row for row in document["jobs"]}
    assert rows["zz"]["waiting_behind"] == "aa-long"
    assert rows["zz"]["why"].startswith("waiting behind aa-long for ")
    assert document["daemon"]["alive"] is True
    assert daemon.stop() == 0


def test_sighup_reloads(daemon: DaemonProcess) -> None:
    """SIGHUP forces a rescan, logged with its reason, without stopping the daemon."""
    daemon.wait_for(event("job.finished", job="a"))
    daemon.proc.send_signal(signal.SIGHUP)
    reloaded = daemon.wait_for(event("definitions.reloaded", reason="SIGHUP"))
    assert reloaded["jobs"] == 1
    assert daemon.proc.poll() is None
    assert daemon.stop() == 0


def test_second_daemon_exits_2_naming_the_pid(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """A second daemon on the same state exits 2 naming the first one's pid, with advice for a
    daemon (not the cron advice `run` gets)."""
    daemon.wait_for(event("daemon.ready"))
    second = run_cli(
        "--jobs-dir", str(git_repo.path / "jobs"), "run", "--forever", state_file=daemon.state
    )
    assert second.returncode == 2
    assert f"pid {daemon.proc.pid}" in second.stderr
    assert "--if-idle" not in second.stderr
    assert "jobrunner status" in second.stderr
    assert daemon.stop() == 0


def test_status_outside_git_says_the_daemon_keeps_running(tmp_path: Path) -> None:
    """Outside git, definitions that stop loading leave `status` nothing to show (exit 2);
    it says that the live daemon keeps running the set it loaded before (it said only that
    no clean revision can stand in, which reads as "no job runs")."""
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "a.yaml").write_text(job("a", 'argv: ["true"]'))
    process = DaemonProcess(jobs, tmp_path / "state" / "state.json")
    try:
        process.wait_for(event("job.finished", job="a"))
        (jobs / "b.yaml").write_text("garbage: [\n")
        process.report_when(lambda d: d["reload_failures"] == 1)
        status = run_cli("--jobs-dir", str(jobs), "status", state_file=process.state)
        assert status.returncode == 2
        assert "no clean revision can stand in" in status.stderr
        assert f"the daemon (pid {process.proc.pid}, idle) keeps running" in status.stderr
        assert "(1 job)" in status.stderr
        assert process.stop() == 0
    finally:
        process.close()


def test_run_job_from_inside_a_job_fails_at_once(git_repo: GitRepo, tmp_path: Path) -> None:
    """A job whose command calls `jobrunner run-job OTHER` under the daemon waited for the
    daemon, which runs OTHER only after that job: it hung until its timeout. It exits 2 at
    once with why, and the job goes on."""
    call = f"{sys.executable} -m runner run-job other; echo rc=$?"
    git_repo.write(
        "jobs/chain.yaml",
        job("chain", f"shell: {json.dumps(call)}", extra="timeout: 120s\n"),
    )
    git_repo.write("jobs/other.yaml", job("other", 'argv: ["true"]'))
    git_repo.commit("a job that calls run-job")
    process = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    try:
        finished = process.wait_for(event("job.finished", job="chain"))
        assert finished["result"] == "success"
        output = Path(finished["output"]).read_text()
        assert "run-job other from inside job chain" in output
        assert "rc=2" in output
        assert process.stop() == 0
    finally:
        process.close()


def test_status_says_when_the_daemon_is_gone(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """`status` shows a live daemon's line; once it has been killed it says that no daemon
    runs (it printed nothing, so a dead daemon went unnoticed), and after a clean stop that
    it stopped."""
    daemon.wait_for(event("daemon.ready"))
    jobs = str(git_repo.path / "jobs")
    alive = run_cli("--jobs-dir", jobs, "status", state_file=daemon.state)
    assert f"daemon: pid {daemon.proc.pid}, " in alive.stdout
    daemon.proc.kill()
    daemon.proc.wait(timeout=20)
    killed = run_cli("--jobs-dir", jobs, "status", state_file=daemon.state)
    assert killed.returncode == 0
    assert f"daemon: not running (pid {daemon.proc.pid}, last heartbeat " in killed.stdout
    assert "did not stop cleanly" in killed.stdout
    clean = DaemonProcess(git_repo.path / "jobs", daemon.state)
    try:
        clean.wait_for(event("daemon.ready"))
        assert clean.stop() == 0
        stopped = run_cli("--jobs-dir", jobs, "status", state_file=daemon.state)
        assert f"daemon: stopped (pid {clean.proc.pid}, last heartbeat " in stopped.stdout
    finally:
        clean.close()


def test_run_job_killed_while_waiting_withdraws_its_request(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """`run-job` ended by SIGTERM (a `timeout`, a cancelled CI job) while the daemon is busy
    withdraws its request, as Ctrl-C does; the daemon used to run the job later anyway and
    leave the answer in requests/ for good."""
    flag = tmp_path / "release"
    blocker = f"while [ ! -e {flag} ]; do sleep 0.05; done"
    git_repo.write("jobs/blocker.yaml", job("blocker", f"shell: {json.dumps(blocker)}"))
    git_repo.write("jobs/other.yaml", job("other", 'argv: ["true"]'))
    git_repo.commit("a blocker")
    process = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    try:
        process.wait_for(event("job.started", job="blocker"))
        client = subprocess.Popen(
            [sys.executable, "-m", "runner", "run-job", "other"],
            env=cli_environment(process.state),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert client.stderr is not None
        assert "asked the running daemon" in client.stderr.readline()  # the request is in
        client.send_signal(signal.SIGTERM)
        _out, err = client.communicate(timeout=20)
        assert client.returncode == 2
        assert "request withdrawn" in err
        assert list((process.state.parent / "requests").iterdir()) == []
        flag.touch()
        process.wait_for(event("job.finished", job="blocker"))
        assert process.stop() == 0
    finally:
        flag.touch()
        process.close()
