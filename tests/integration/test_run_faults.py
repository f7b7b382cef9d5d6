"""Through the real CLI: a job that prints a gigabyte, the runner killed mid-job (issue 4,
faults), and `--verbose`."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from time import monotonic
from typing import BinaryIO

import pytest

from runner.output import DEFAULT_CAP
from runner.state import load_state
from runner.state.recovery import is_group_alive
from tests.gitrepo import GitRepo
from tests.integration.cli import (
    cli_environment,
    json_stdout,
    run_cli,
    run_cli_as_nobody,
    tree_nobody_can_read,
)

GIB = 1 << 30
MAX_RUNNER_RSS_MIB = 100
"""The runner alone (interpreter, structlog, jsonschema, GitPython) peaks near 40 MiB."""


def test_job_printing_a_gigabyte_is_capped_and_costs_no_memory(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """`yes | head -c 1G` through `jobrunner run`: the run succeeds, its output file keeps
    the head and the tail within the cap with the elided byte count in between, history
    knows the full size, and the runner's peak RSS stays far below the output's size."""
    peak = tmp_path / "runner-peak"
    # The job itself reads its runner's peak RSS (VmHWM) once the gigabyte went through the
    # pipe. Not wait4's ru_maxrss: that is at least the peak of the process that spawned the
    # runner (the mm a forked or vforked child leaves at exec counts), here pytest's, which
    # grows past 100 MiB over a whole suite.
    git_repo.write(
        "jobs/loud.yaml",
        "kind: Job\nname: loud\ntype: command\ninterval: 1h\n"
        f"settings:\n  shell: 'yes | head -c {GIB}; "
        f"echo $PPID $(grep VmHWM /proc/$PPID/status) > {peak}'\n",
    )
    git_repo.commit("a loud job")
    state = tmp_path / "state" / "state.json"
    with subprocess.Popen(
        [sys.executable, "-m", "runner", "--jobs-dir", str(git_repo.path / "jobs"), "run"],
        env=cli_environment(state),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    runner_pid, label, kib, unit = peak.read_text().split()
    assert (int(runner_pid), label, unit) == (process.pid, "VmHWM:", "kB")
    assert int(kib) / 1024 < MAX_RUNNER_RSS_MIB, f"the runner peaked at {int(kib) >> 10} MiB"
    (output,) = (state.parent / "runs" / "loud").glob("*.log")
    assert output.stat().st_size < DEFAULT_CAP + 1024
    history = run_cli("history", "loud", "--format", "json", state_file=state)
    (run,) = json_stdout(history)
    assert run["result"] == "success"
    assert run["output_bytes"] == GIB
    printed = run_cli("history", "--output", run["run_id"], state_file=state).stdout
    head, marker, tail = printed.partition("[jobrunner: ")
    assert marker, "no elision marker in the kept output"
    elided = int(tail.split(" bytes of output elided]", 1)[0])
    kept = len(head) - 1 + len(tail.split("]\n", 1)[1])  # the marker starts with a newline
    assert elided + kept == GIB
    assert set(head.split()) == {"y"}


def test_verbose_run_logs_every_decision_in_colour_on_a_terminal(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """`run --verbose` says for every job why it runs or waits (the planner's reasons), in
    colour when stderr is a terminal, and as JSON lines otherwise."""
    job = "kind: Job\nname: {0}\ntype: command\ninterval: {1}\nsettings:\n  argv: ['true']\n"
    git_repo.write("jobs/now.yaml", job.format("now", "1h"))
    git_repo.write("jobs/off.yaml", job.format("off", "1h") + "disabled: true\n")
    git_repo.commit("two jobs")
    state = tmp_path / "state" / "state.json"
    jobs = str(git_repo.path / "jobs")
    plain = run_cli("--jobs-dir", jobs, "run", "--verbose", state_file=state)
    assert plain.returncode == 0, plain.stderr
    events = [json.loads(line) for line in plain.stderr.splitlines()]
    decisions = {e["job"]: e for e in events if e["event"] in ("job.due", "job.not_due")}
    assert decisions["now"]["event"] == "job.due"
    assert decisions["now"]["reason"] == "never ran"
    assert decisions["off"] == decisions["off"] | {"event": "job.not_due", "reason": "disabled"}
    assert {"job.started", "job.finished"} <= {e["event"] for e in events}
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb") as terminal:
        process = subprocess.Popen(
            [sys.executable, "-m", "runner", "--jobs-dir", jobs, "run", "-v"],
            env=cli_environment(state),
            stdout=subprocess.DEVNULL,
            stderr=follower,
        )
        os.close(follower)
        shown = _read_all(terminal).decode()
        assert process.wait(timeout=60) == 0
    assert "\x1b[" in shown  # ANSI colour
    assert "job.not_due" in shown
    assert "interval not yet elapsed" in shown


def _read_all(terminal: BinaryIO) -> bytes:
    """Everything written to a pty until its last writer closes it (60 s at most)."""
    chunks = []
    while True:
        readable, _, _ = select.select([terminal], [], [], 60)
        assert readable, "the runner wrote nothing to the terminal for 60 s"
        try:
            chunk = os.read(terminal.fileno(), 65536)
        except OSError:  # EIO: no writer is left
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_runner_killed_mid_job_next_run_kills_the_leftover_and_backs_off(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """SIGKILL of `jobrunner run` during a job: the next `run` kills the job's leftover
    process group, records `interrupted` (exit 1, one line), and does not start the job
    again before its back-off (5 minutes after one interruption)."""
    fifo = tmp_path / "started.fifo"
    os.mkfifo(fifo)
    git_repo.write(
        "jobs/slow.yaml",
        "kind: Job\nname: slow\ntype: command\ninterval: 1h\n"
        f'settings:\n  shell: "echo $$ > {fifo}; exec sleep 60"\n',
    )
    git_repo.commit("a slow job")
    state = tmp_path / "state" / "state.json"
    jobs = str(git_repo.path / "jobs")
    runner = subprocess.Popen(
        [sys.executable, "-m", "runner", "--jobs-dir", jobs, "run"],
        env=cli_environment(state),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        job_pid = int(_read_line(fifo, timeout=30))
        _wait_for_recorded_pid(state, "slow", job_pid, timeout=30)
    finally:
        runner.kill()
        runner.wait(timeout=30)
    assert is_group_alive(job_pid)  # the job outlived its runner
    after = run_cli("--jobs-dir", jobs, "run", state_file=state)
    assert not is_group_alive(job_pid), after.stderr
    assert after.returncode == 0, after.stderr  # nothing ran in this pass
    assert "job.interrupted" in after.stderr
    record = load_state(state)[0].job("slow")
    assert record is not None
    assert (record.last_result, record.consecutive_interruptions, record.runs) == (
        "interrupted",
        1,
        1,
    )
    status = json.loads(
        run_cli("--jobs-dir", jobs, "status", "--format", "json", state_file=state).stdout
    )
    (slow,) = [j for j in status["jobs"] if j["job"] == "slow"]
    assert slow["last_result"] == "interrupted"
    assert slow["due"] is False
    waits = datetime.fromisoformat(slow["due_at"]) - datetime.fromisoformat(slow["last_attempt"])
    assert waits == timedelta(minutes=5)  # the back-off, not the 1h interval, not at once


def _wait_for_recorded_pid(state: Path, job: str, pid: int, timeout: float) -> None:
    """Return once the state records `pid` as the running attempt's leader (`timeout` s at
    most): the job can start, and say so, before its runner has written down its pid."""
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        record = load_state(state)[0].job(job)
        if record is not None and record.attempt is not None and record.attempt.pid == pid:
            return
        select.select([], [], [], 0.01)
    pytest.fail(f"the runner did not record the pid {pid} of {job!r} within {timeout} s")


def _read_line(path: Path, timeout: float) -> str:
    """One line from a FIFO the job writes into, waiting at most `timeout` seconds."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        data = b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], timeout)
            assert ready, "the job did not start in time"
            data += os.read(fd, 64)
        return data.decode()
    finally:
        os.close(fd)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become an unprivileged user")
def test_run_with_a_read_only_state_directory_says_so() -> None:
    """`jobrunner run` as a user who cannot write the state directory exits 2 with a message
    naming the directory and what to do; no traceback."""
    with tree_nobody_can_read() as (jobs, base):
        state_dir = base / "state"
        state_dir.mkdir(mode=0o555)
        state_dir.chmod(0o555)
        done = run_cli_as_nobody(
            "--jobs-dir", str(jobs), "run", state_file=state_dir / "state.json"
        )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert str(state_dir) in done.stderr
    assert "not writable" in done.stderr
