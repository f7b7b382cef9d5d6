"""`jobrunner pause` and `resume` through the real CLI: a paused host starts no job in `run`,
`run-job` still runs with a warning, and `resume` lets `run` start jobs again."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment
from tests.integration.test_run_cli import job, jobrunner
from tests.integration.test_run_faults import _read_all


def test_pause_stops_run_and_resume_allows_it(git_repo: GitRepo, tmp_path: Path) -> None:
    """While paused `run` exits 0 and runs nothing; after resume the due job runs."""
    git_repo.write("jobs/ok.yaml", job("ok", 'argv: ["sh", "-c", "echo hello"]'))
    git_repo.commit("one job")
    paused = jobrunner(git_repo, tmp_path, "pause", "--reason", "incident 42")
    assert paused.returncode == 0, paused.stderr
    assert "incident 42" in paused.stdout
    pause_file = tmp_path / "state" / "pause.json"
    assert json.loads(pause_file.read_text())["reason"] == "incident 42"
    idle = jobrunner(git_repo, tmp_path, "run")
    assert idle.returncode == 0, idle.stderr
    assert not (tmp_path / "state" / "runs" / "ok").exists()
    resumed = jobrunner(git_repo, tmp_path, "resume")
    assert resumed.returncode == 0
    assert "incident 42" in resumed.stdout
    assert not pause_file.exists()
    ran = jobrunner(git_repo, tmp_path, "run")
    assert ran.returncode == 0, ran.stderr
    assert list((tmp_path / "state" / "runs" / "ok").glob("*.log"))
    again = jobrunner(git_repo, tmp_path, "resume")
    assert "not paused" in again.stdout


def test_run_job_runs_while_paused_with_a_warning(git_repo: GitRepo, tmp_path: Path) -> None:
    """An explicit run-job is carried out while paused, and the log says it was paused."""
    git_repo.write("jobs/ok.yaml", job("ok", 'argv: ["sh", "-c", "echo hello"]'))
    git_repo.commit("one job")
    assert jobrunner(git_repo, tmp_path, "pause").returncode == 0
    done = jobrunner(git_repo, tmp_path, "run-job", "ok")
    assert done.returncode == 0, done.stderr
    assert "job.paused" in done.stderr


def test_paused_run_on_a_terminal_says_so_once(git_repo: GitRepo, tmp_path: Path) -> None:
    """`run` on a terminal while paused says once that no job started, and why (the log line
    and a printed line said it twice); off a terminal it stays quiet for cron."""
    git_repo.write("jobs/ok.yaml", job("ok", 'argv: ["true"]'))
    git_repo.commit("one job")
    assert jobrunner(git_repo, tmp_path, "pause", "--reason", "incident 42").returncode == 0
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb") as terminal:
        process = subprocess.Popen(
            [sys.executable, "-m", "runner", "--jobs-dir", str(git_repo.path / "jobs"), "run"],
            env=cli_environment(tmp_path / "state" / "state.json"),
            stdout=subprocess.DEVNULL,
            stderr=follower,
        )
        os.close(follower)
        shown = _read_all(terminal).decode()
        assert process.wait(timeout=60) == 0
    assert shown.count("no job started") == 1, shown
    assert "incident 42" in shown
    assert jobrunner(git_repo, tmp_path, "run").stderr == ""
