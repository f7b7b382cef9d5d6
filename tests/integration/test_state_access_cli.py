"""Commands run by a user who may not read the runner's state (outside its group): a clear
error naming the path and who may read it, never a traceback or an "internal error"."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.gitrepo import GIT_ENV
from tests.integration.cli import REPO, cli_environment, run_cli_as_nobody, tree_nobody_can_read

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")


def test_a_user_outside_the_group_is_told_who_may_read_the_state() -> None:
    """status, history and pause exit 2 naming the path and the group; check is UNKNOWN
    with the same advice (it said "internal error ... please report it")."""
    with tree_nobody_can_read() as (jobs, base):
        state_dir = base / "state"
        state_dir.mkdir()
        state_dir.chmod(0o750)  # root:root, as a runner's state is to a stranger
        state = state_dir / "state.json"
        state.write_text(json.dumps({"version": 1, "jobs": {}}))
        state.chmod(0o640)
        results = {
            words[0]: run_cli_as_nobody("--jobs-dir", str(jobs), *words, state_file=state)
            for words in (["status"], ["history"], ["pause"], ["check", "--mode", "cron"])
        }
    for command in ("status", "history", "pause"):
        done = results[command]
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr, command
        assert f"permission denied: {state_dir}" in done.stderr, command
        assert "as a member of its group 'root'" in done.stderr, command
    check = results["check"]
    assert check.returncode == 3, check.stdout
    assert check.stdout.startswith(f"JOBRUNNER UNKNOWN - cannot read the state {state}")
    assert "internal error" not in check.stdout


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv is not installed")
def test_plan_without_access_to_the_state_plans_as_if_never_run() -> None:
    """`plan` uses the state only when it can read it: a developer outside the runner's
    group (with JOBRUNNER_STATE_FILE from /etc/jobrunner/jobrunner.env) gets the plan,
    not a permission error."""
    with tempfile.TemporaryDirectory() as name:
        base = Path(name)
        base.chmod(0o755)
        repo = base / "repo"
        (repo / "jobs.d").mkdir(parents=True, mode=0o755)
        (repo / "jobs.d").chmod(0o755)
        job = "kind: Job\nname: a\ntype: command\ninterval: {}\nsettings:\n  argv: ['true']\n"
        git_env = {**os.environ, **GIT_ENV, "HOME": name}
        for interval in ("1h", "5m"):
            (repo / "jobs.d" / "a.yaml").write_text(job.format(interval))
            for words in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", interval]):
                subprocess.run(["git", *words], cwd=repo, env=git_env, check=True)
        subprocess.run(["chmod", "-R", "o+rX", str(repo)], check=True)
        state_dir = base / "state"
        state_dir.mkdir()
        state_dir.chmod(0o750)
        # a new process as nobody (plan imports lazily what nobody may not read in-process);
        # git refuses a repository owned by another user unless told it is safe
        safe = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory"}
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-m", "runner", "--jobs-dir", "jobs.d", "plan", "--base", "HEAD~1"],
            cwd=repo,
            env={**cli_environment(state_dir / "state.json"), "PYTHONPATH": str(REPO), **safe,
                 "GIT_CONFIG_VALUE_0": "*"},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "state: none readable; every job counts as never run" in done.stdout
    assert "interval 1h -> 5m" in done.stdout
