"""`jobrunner check` through the real CLI: the state a real `jobrunner run` produced (mode
cron), hand-written daemon.json files (mode daemon), a pause, broken definitions, and the
UNKNOWN cases. Checks each status line, long output and exit code."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from runner.check.model import seconds, span
from runner.clock import utcnow
from runner.state import format_instant, load_state
from tests.gitrepo import GitRepo
from tests.integration.test_run_cli import job, jobrunner

OK_JOB = 'argv: ["sh", "-c", "echo hello"]'
BAD_JOB = 'shell: "echo oops >&2; exit 3"'


def check(repo: GitRepo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `jobrunner check ARGS` against the repository's jobs and the test's state."""
    return jobrunner(repo, tmp_path, "check", *args)


def write_daemon(tmp_path: Path, **fields: Any) -> None:
    """A daemon.json of a live daemon (this test's pid on this host), with `fields` changed."""
    now = utcnow()
    document = {
        "version": 1,
        "pid": os.getpid(),
        "hostname": socket.gethostname(),
        "started": format_instant(now - timedelta(hours=1)),
        "heartbeat": format_instant(now - timedelta(seconds=20)),
        "state": "idle",
        "loaded_revision": "abc1234def",
        "newest_revision": "abc1234def",
        "degraded": False,
        "reload_errors": [],
        "current_job": None,
        "waiting": [],
    }
    document.update(fields)
    (tmp_path / "state" / "daemon.json").write_text(json.dumps(document))


@pytest.fixture
def ran(git_repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A repository with a succeeding and a failing job, after one real `jobrunner run`."""
    git_repo.write("jobs/ok.yaml", job("ok", OK_JOB))
    git_repo.write("jobs/bad.yaml", job("bad", BAD_JOB))
    git_repo.commit("two jobs")
    assert jobrunner(git_repo, tmp_path, "run").returncode == 1
    return git_repo


def test_cron_mode_after_a_real_run(ran: GitRepo, tmp_path: Path) -> None:
    """After `run`: last_pass.json exists (0640); check is CRITICAL for the failed job with its
    error and output file, and OK for the good job alone."""
    last_pass = tmp_path / "state" / "last_pass.json"
    assert stat.S_IMODE(last_pass.stat().st_mode) == 0o640
    assert json.loads(last_pass.read_text())["ran"] == 2
    done = check(ran, tmp_path, "--mode", "cron")
    assert done.returncode == 2, done.stdout + done.stderr
    head, *long_output = done.stdout.splitlines()
    assert head.startswith("JOBRUNNER CRITICAL - 1 CRITICAL: bad failed | jobs=2;;;0 failed=1;;;0")
    assert ";;900;0" in head.split("pass_age=")[1]
    [problem] = [line for line in long_output if line.startswith("[CRITICAL] bad:")]
    assert "exit 3; 1 in a row" in problem
    assert "error: exited with code 3" in problem
    output_file = Path(problem.split("; output: ")[1])
    assert output_file.read_text().startswith("oops")
    assert done.stderr == ""
    record = load_state(tmp_path / "state" / "state.json")[0].job("ok")
    assert record is not None
    assert record.last_attempt is not None
    before = utcnow()
    good = check(ran, tmp_path, "--mode", "cron", "--job", "ok")
    after = utcnow()
    assert good.returncode == 0, good.stdout
    # "Ns ago" counts from the run's start: whole seconds between it and the check's clock
    # reading, which a loaded machine can put a few seconds after it.
    ages = range(seconds(before - record.last_attempt), seconds(after - record.last_attempt) + 1)
    assert any(
        good.stdout.startswith(f"JOBRUNNER OK - ok OK: last run success {span(age)} ago | ")
        for age in (timedelta(seconds=n) for n in ages)
    ), good.stdout


def test_daemon_mode_with_hand_written_daemon_json(ran: GitRepo, tmp_path: Path) -> None:
    """Mode daemon: missing, stale and degraded daemons are CRITICAL; a live one leaves only
    the job's failure; a job waiting past --warn-wait is a WARNING."""
    missing = check(ran, tmp_path, "--job", "ok")
    assert missing.returncode == 0  # --job leaves the daemon to the host check
    assert check(ran, tmp_path).stdout.startswith(
        "JOBRUNNER CRITICAL - 2 CRITICAL: bad failed, daemon not running |"
    )
    write_daemon(tmp_path, heartbeat=format_instant(utcnow() - timedelta(minutes=5)))
    assert "daemon heartbeat stale" in check(ran, tmp_path).stdout.splitlines()[0]
    write_daemon(
        tmp_path,
        degraded=True,
        newest_revision="fff9999aaa",
        reload_errors=[{"file": "jobs/x.yaml", "line": 3, "column": 5, "message": "bad key"}],
    )
    degraded = check(ran, tmp_path)
    assert degraded.returncode == 2
    assert (
        "[CRITICAL] daemon: runs the older revision abc1234 because the newest fff9999 does not "
        "load: jobs/x.yaml:3:5: bad key"
    ) in degraded.stdout
    since = format_instant(utcnow() - timedelta(minutes=20))
    write_daemon(
        tmp_path,
        state="running",
        current_job={"job": "bad", "run_id": "r", "started": since, "pid": os.getpid()},
        waiting=[{"job": "ok", "due_since": since}],
    )
    waiting = check(ran, tmp_path, "--job", "ok")
    assert waiting.returncode == 1, waiting.stdout
    assert waiting.stdout.startswith("JOBRUNNER WARNING - 1 WARNING: ok waits behind bad |")
    assert check(ran, tmp_path, "--job", "ok", "--warn-wait", "30m").returncode == 0


def test_pause_warns_and_resume_clears_it(ran: GitRepo, tmp_path: Path) -> None:
    """`jobrunner pause` makes the check (for the good job's host) a WARNING naming who and why."""
    write_daemon(tmp_path)
    assert jobrunner(ran, tmp_path, "pause", "--reason", "incident 42").returncode == 0
    done = check(ran, tmp_path, "--crit-failures", "2")
    assert done.returncode == 1, done.stdout
    assert "jobrunner paused" in done.stdout.splitlines()[0]
    [line] = [x for x in done.stdout.splitlines() if x.startswith("[WARNING] jobrunner:")]
    assert "since" in line
    assert line.endswith(": incident 42 (jobrunner resume)")
    assert jobrunner(ran, tmp_path, "resume").returncode == 0
    assert "paused" not in check(ran, tmp_path, "--crit-failures", "2").stdout


def test_broken_definitions_are_critical_naming_the_file(ran: GitRepo, tmp_path: Path) -> None:
    """A tree that does not load is CRITICAL in mode cron, with file:line and what runs."""
    ran.write("jobs/ok.yaml", job("ok", OK_JOB) + "intervall: 5m\n")
    done = check(ran, tmp_path, "--mode", "cron", "--crit-failures", "2")
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = [x for x in done.stdout.splitlines() if x.startswith("[CRITICAL] definitions:")]
    assert "the last clean revision" in line
    assert "ok.yaml:" in line


def test_unknown_cases_exit_3_without_a_traceback(ran: GitRepo, tmp_path: Path) -> None:
    """Usage errors, an unknown job and a corrupt state are UNKNOWN (3) with one clear line."""
    usage = check(ran, tmp_path, "--mode", "sometimes")
    assert usage.returncode == 3
    assert usage.stdout.startswith("JOBRUNNER UNKNOWN - invalid arguments")
    assert "invalid choice: 'sometimes'" in usage.stderr
    unknown_job = check(ran, tmp_path, "--job", "nope")
    assert unknown_job.returncode == 3
    assert unknown_job.stdout.startswith("JOBRUNNER UNKNOWN - unknown job 'nope'")
    (tmp_path / "state" / "state.json").write_text("{broken")
    (tmp_path / "state" / "state.journal").unlink(missing_ok=True)
    corrupt = check(ran, tmp_path, "--mode", "cron")
    assert corrupt.returncode == 3
    assert "not valid JSON" in corrupt.stdout
    assert "Traceback" not in corrupt.stdout + corrupt.stderr
