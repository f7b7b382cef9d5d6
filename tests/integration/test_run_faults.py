"""Bad input through the real CLI: a job that prints a gigabyte (issue 4, faults)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from runner.output import DEFAULT_CAP
from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment, run_cli

GIB = 1 << 30
MAX_RUNNER_RSS_MIB = 100
"""The runner alone (interpreter, structlog, jsonschema, GitPython) peaks near 40 MiB."""


def test_job_printing_a_gigabyte_is_capped_and_costs_no_memory(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """`yes | head -c 1G` through `jobrunner run`: the run succeeds, its output file keeps
    the head and the tail within the cap with the elided byte count in between, history
    knows the full size, and the runner's peak RSS stays far below the output's size."""
    git_repo.write(
        "jobs/loud.yaml",
        "kind: Job\nname: loud\ntype: command\ninterval: 1h\n"
        f'settings:\n  shell: "yes | head -c {GIB}"\n',
    )
    git_repo.commit("a loud job")
    state = tmp_path / "state" / "state.json"
    with (tmp_path / "stderr").open("w+") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "runner", "--jobs-dir", str(git_repo.path / "jobs"), "run"],
            env=cli_environment(state),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _pid, status, usage = os.wait4(process.pid, 0)  # usage of the runner and its jobs
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        assert process.returncode == 0, stderr.read()
    assert usage.ru_maxrss / 1024 < MAX_RUNNER_RSS_MIB
    (output,) = (state.parent / "runs" / "loud").glob("*.log")
    assert output.stat().st_size < DEFAULT_CAP + 1024
    history = run_cli("history", "loud", "--format", "json", state_file=state)
    (run,) = json.loads(history.stdout)
    assert run["result"] == "success"
    assert run["output_bytes"] == GIB
    printed = run_cli("history", "--output", run["run_id"], state_file=state).stdout
    head, marker, tail = printed.partition("[jobrunner: ")
    assert marker, "no elision marker in the kept output"
    elided = int(tail.split(" bytes of output elided]", 1)[0])
    kept = len(head) - 1 + len(tail.split("]\n", 1)[1])  # the marker starts with a newline
    assert elided + kept == GIB
    assert set(head.split()) == {"y"}
