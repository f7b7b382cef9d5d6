"""`jobrunner run`, `run-job`, `status` and `history` as a user runs them: the real CLI as a
subprocess against temporary git repositories (SPEC §3, §4)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment, json_stdout, run_cli

JOB = """\
kind: Job
name: {name}
type: command
interval: {interval}
settings:
  {settings}
"""


def job(name: str, settings: str, interval: str = "1h", extra: str = "") -> str:
    return JOB.format(name=name, interval=interval, settings=settings) + extra


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """A definitions repository with two committed jobs."""
    git_repo.write("jobs/ok.yaml", job("ok", 'argv: ["sh", "-c", "echo hello"]'))
    git_repo.write("jobs/bad.yaml", job("bad", 'shell: "echo oops >&2; exit 3"'))
    git_repo.commit("two jobs")
    return git_repo


def jobrunner(repo: GitRepo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "--jobs-dir", str(repo.path / "jobs"), *args, state_file=tmp_path / "state" / "state.json"
    )


def test_run_runs_due_jobs_once_and_reports_failures(repo: GitRepo, tmp_path: Path) -> None:
    """A pass runs every due job once; a failing job gives exit 1 and one line on stderr."""
    done = jobrunner(repo, tmp_path, "run")
    assert done.returncode == 1, done.stderr
    failures = [line for line in done.stderr.splitlines() if line.startswith("jobrunner: bad")]
    assert len(failures) == 1
    assert "failure (exit 3)" in failures[0]
    assert done.stdout == ""
    again = jobrunner(repo, tmp_path, "run")
    assert again.returncode == 0, again.stderr  # nothing due within the hour: quiet success
    assert again.stderr == ""


def test_status_shows_results_and_revision(repo: GitRepo, tmp_path: Path) -> None:
    """status --format json reports each job's last result and the state file it used."""
    jobrunner(repo, tmp_path, "run")
    done = jobrunner(repo, tmp_path, "status", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json_stdout(done)
    results = {row["job"]: row["last_result"] for row in document["jobs"]}
    assert results == {"bad": "failure", "ok": "success"}
    assert document["state_file"].endswith("state.json")
    assert document["revision"] == repo.head()
    bad = next(row for row in document["jobs"] if row["job"] == "bad")
    assert bad["last_exit_code"] == 3
    assert bad["revision"] == repo.head()


def test_status_table_and_detail(repo: GitRepo, tmp_path: Path) -> None:
    """The table lists every job; status NAME explains why it is not due."""
    jobrunner(repo, tmp_path, "run")
    table = jobrunner(repo, tmp_path, "status")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split()[:2] == ["JOB", "TYPE"]
    assert "state:" in table.stdout
    detail = jobrunner(repo, tmp_path, "status", "ok")
    assert "interval not yet elapsed" in detail.stdout


def test_run_job_ignores_schedule_and_records(repo: GitRepo, tmp_path: Path) -> None:
    """run-job runs a job that is not due, records it, and exits with its outcome; history
    --output prints a run's output given its id, its file's name or its path."""
    jobrunner(repo, tmp_path, "run")
    done = jobrunner(repo, tmp_path, "run-job", "ok")
    assert done.returncode == 0, done.stderr
    assert "ok: success" in done.stdout
    history = jobrunner(repo, tmp_path, "history", "ok", "--format", "json")
    runs = json_stdout(history)
    assert [r["result"] for r in runs] == ["success", "success"]
    output = jobrunner(repo, tmp_path, "history", "--output", runs[0]["run_id"])
    assert output.stdout.strip() == "hello"
    run_file = Path(runs[0]["output"])  # its file name and path, as history and the log show
    for given in (run_file.name, str(run_file)):
        same = jobrunner(repo, tmp_path, "history", "--output", given)
        assert (same.returncode, same.stdout.strip()) == (0, "hello"), same.stderr
    failing = jobrunner(repo, tmp_path, "run-job", "bad")
    assert failing.returncode == 1


def test_unknown_job_is_a_usage_error_with_a_suggestion(repo: GitRepo, tmp_path: Path) -> None:
    """run-job with a misspelt name exits 2 and suggests the right one."""
    done = jobrunner(repo, tmp_path, "run-job", "okk")
    assert done.returncode == 2
    assert "did you mean ok" in done.stderr


def test_missing_definitions_directory_exits_2(tmp_path: Path) -> None:
    """A definitions directory that does not exist is a usage error (exit 2)."""
    done = run_cli("--jobs-dir", str(tmp_path / "nope"), "run", state_file=tmp_path / "s.json")
    assert done.returncode == 2
    assert "does not exist" in done.stderr


def test_command_not_found_is_recorded_and_the_pass_goes_on(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """A job whose program does not exist fails with a null exit code; others still run."""
    git_repo.write("jobs/a.yaml", job("a-missing", 'argv: ["/nonexistent/program"]'))
    git_repo.write("jobs/b.yaml", job("b-fine", 'argv: ["true"]'))
    git_repo.commit()
    done = jobrunner(git_repo, tmp_path, "run")
    assert done.returncode == 1
    assert "a-missing failure (no exit code)" in done.stderr
    status = json_stdout(jobrunner(git_repo, tmp_path, "status", "--format", "json"))
    rows = {row["job"]: row for row in status["jobs"]}
    assert rows["a-missing"]["last_exit_code"] is None
    assert rows["b-fine"]["last_result"] == "success"


def test_invalid_definitions_run_the_last_clean_revision(repo: GitRepo, tmp_path: Path) -> None:
    """A broken commit runs the last clean revision from git objects, then exits 2."""
    clean = repo.head()
    assert jobrunner(repo, tmp_path, "run-job", "ok").returncode == 0  # records `clean`
    repo.write("jobs/ok.yaml", "kind: Job\nname: ok\nintervall: 1h\n")
    repo.write("jobs/new.yaml", job("new", 'argv: ["true"]'))
    repo.commit("break ok")
    passed = jobrunner(repo, tmp_path, "run")
    assert passed.returncode == 2
    assert "intervall" in passed.stderr
    status = json_stdout(jobrunner(repo, tmp_path, "status", "--format", "json"))
    assert status["degraded"] is True
    assert status["revision"] == clean
    rows = {row["job"]: row for row in status["jobs"]}
    assert set(rows) == {"ok", "bad"}  # `new` exists only in the broken commit
    assert rows["bad"]["last_result"] == "failure"
    assert rows["bad"]["revision"] == repo.head()


def test_no_clean_revision_exits_2(git_repo: GitRepo, tmp_path: Path) -> None:
    """Invalid definitions without a clean revision to fall back to: exit 2, errors shown."""
    git_repo.write("jobs/a.yaml", "kind: Job\nname: a\n")
    git_repo.commit()
    done = jobrunner(git_repo, tmp_path, "run")
    assert done.returncode == 2
    assert "a.yaml" in done.stderr


def test_require_clean_refuses_uncommitted_definitions(repo: GitRepo, tmp_path: Path) -> None:
    """--require-clean refuses a dirty definitions directory."""
    repo.write("jobs/extra.yaml", job("extra", 'argv: ["true"]'))
    done = jobrunner(repo, tmp_path, "run", "--require-clean")
    assert done.returncode == 2
    assert "uncommitted" in done.stderr


def test_second_runner_gets_exit_2_or_if_idle_0(repo: GitRepo, tmp_path: Path) -> None:
    """While a run holds the lock, another run exits 2 naming the pid; --if-idle exits 0."""
    first = _start_slow_job(repo, tmp_path)
    try:
        second = jobrunner(repo, tmp_path, "run")
        assert second.returncode == 2
        assert str(first.pid) in second.stderr
        idle = jobrunner(repo, tmp_path, "run", "--if-idle")
        assert idle.returncode == 0
        assert idle.stderr == ""
        busy = jobrunner(repo, tmp_path, "run-job", "ok")
        assert busy.returncode == 2
        assert str(first.pid) in busy.stderr
        assert "--if-idle" not in busy.stderr  # cron advice is for `run`
        first.send_signal(signal.SIGTERM)
        _out, err = first.communicate(timeout=30)
        assert first.returncode == 1
        assert "interrupted" in err
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_dry_run_prints_plan_and_runs_nothing(repo: GitRepo, tmp_path: Path) -> None:
    """--dry-run lists what would run and why, exits 0 and records nothing."""
    done = jobrunner(repo, tmp_path, "run", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would run 2 job(s)" in done.stdout
    assert not (tmp_path / "state" / "runs").exists()


def test_status_table_shows_a_running_job_as_running(repo: GitRepo, tmp_path: Path) -> None:
    """While a job runs, its LAST RESULT cell says `running` and for how long; it used to show
    the previous result (or "never ran") with the age of the running attempt."""
    assert jobrunner(repo, tmp_path, "run-job", "ok").returncode == 0
    first = _start_slow_job(repo, tmp_path)
    try:
        status = jobrunner(repo, tmp_path, "status")
        assert status.returncode == 0, status.stderr
        rows = {line.split()[0]: line for line in status.stdout.splitlines() if line}
        assert "  running " in rows["slow"]
        assert "never ran" not in rows["slow"]
        assert "success" in rows["ok"]
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)


def test_status_tells_a_dead_runners_run_from_a_running_one(repo: GitRepo, tmp_path: Path) -> None:
    """After the runner was SIGKILLed during a job, `status` no longer calls the job running
    (it did until the next start, also beside "daemon: not running"): it is `unfinished`,
    and the next start records it as interrupted."""
    runner = _start_slow_job(repo, tmp_path)
    try:
        running = json_stdout(jobrunner(repo, tmp_path, "status", "--format", "json"))
        slow = next(row for row in running["jobs"] if row["job"] == "slow")
        assert (slow["running"], slow["unfinished"]) == (True, False)
    finally:
        runner.kill()
        runner.communicate(timeout=30)
    status = jobrunner(repo, tmp_path, "status")
    row = next(line for line in status.stdout.splitlines() if line.startswith("slow "))
    assert "unfinished, started " in row
    assert "(runner gone)" in row
    detail = jobrunner(repo, tmp_path, "status", "slow").stdout
    assert "running: no" in detail
    assert "unfinished: yes" in detail
    assert jobrunner(repo, tmp_path, "run-job", "ok").returncode == 0  # recovers the run
    after = jobrunner(repo, tmp_path, "status", "slow").stdout
    assert "last result: interrupted" in after
    assert "unfinished" not in after


def test_dry_run_names_jobs_due_only_within_the_slack(repo: GitRepo, tmp_path: Path) -> None:
    """A job that is due only within `--slack` is listed with the due time still ahead and
    says so, not "due since" a time in the future."""
    assert jobrunner(repo, tmp_path, "run-job", "ok").returncode == 0
    done = jobrunner(repo, tmp_path, "run", "--dry-run", "--slack", "2h")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if "ok:" in line)
    assert "due at " in line
    assert "within the slack" in line
    assert "due since" not in line


def _start_slow_job(repo: GitRepo, tmp_path: Path) -> subprocess.Popen[str]:
    """Commit a job `slow` (30 s), start `run-job slow` in the background and return it once
    the job has told (through a FIFO) that it runs."""
    fifo = tmp_path / "started.fifo"
    os.mkfifo(fifo)
    repo.write("jobs/slow.yaml", job("slow", f'shell: "echo started > {fifo}; exec sleep 30"'))
    repo.commit()
    runner = subprocess.Popen(
        [sys.executable, "-m", "runner", "--jobs-dir", str(repo.path / "jobs"), "run-job", "slow"],
        env=cli_environment(tmp_path / "state" / "state.json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _read_fifo(fifo, timeout=30) == "started\n"
    except BaseException:
        runner.kill()
        runner.communicate(timeout=30)
        raise
    return runner


def _read_fifo(path: Path, timeout: float) -> str:
    """Block (bounded) until the job writes its line into the FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, "the job did not start in time"
        chunks = b""
        while not chunks.endswith(b"\n"):
            select.select([fd], [], [], timeout)
            chunks += os.read(fd, 64)
        return chunks.decode()
    finally:
        os.close(fd)
