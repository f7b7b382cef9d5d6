"""A job's descendants that leave its process group for a session of their own (`setsid`,
a daemon's double fork) are killed when the job ends, like the rest of its group."""

from __future__ import annotations

import contextlib
import os
import select
import signal
from pathlib import Path
from time import monotonic

from tests.gitrepo import GitRepo
from tests.integration.cli import run_cli

ESCAPE = """\
setsid -f sh -c 'echo $$ > {one}; setsid -f sh -c "echo \\$\\$ > {two}; exec sleep 300"; \
exec sleep 300'
while [ ! -s {one} ] || [ ! -s {two} ]; do :; done
echo started
"""


def _alive(pid: int) -> bool:
    """Whether `pid` exists (a zombie counts: it has not been reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait on a pidfd until `pid` exits (bounded); True if it did."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(pidfd)


def test_processes_a_job_left_in_their_own_session_are_killed(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """Two `setsid -f` descendants (one started by the other) outlive the job's group; the
    runner adopts them as subreaper, kills and reaps them before `run` exits, and logs it."""
    one, two = tmp_path / "one.pid", tmp_path / "two.pid"
    script = tmp_path / "escape.sh"
    script.write_text(ESCAPE.format(one=one, two=two))
    git_repo.write(
        "jobs/escape.yaml",
        "kind: Job\nname: escape\ntype: command\ninterval: 1h\ntimeout: 60s\n"
        f"settings:\n  argv: [/bin/sh, {script}]\n",
    )
    git_repo.commit("a job that leaves daemons behind")
    state = tmp_path / "state" / "state.json"
    started = monotonic()
    try:
        result = run_cli("--jobs-dir", str(git_repo.path / "jobs"), "run", state_file=state)
        pids = [int(one.read_text()), int(two.read_text())]
        assert result.returncode == 0, result.stderr
        assert [pid for pid in pids if _alive(pid)] == [], result.stderr
        assert "job.left_processes_killed" in result.stderr
        assert f"{pids[0]} (sleep)" in result.stderr
        assert monotonic() - started < 60  # the runner did not wait for the sleeps
    finally:
        for path in (one, two):
            with contextlib.suppress(ValueError, OSError):
                os.kill(int(path.read_text()), signal.SIGKILL)


def test_a_job_without_escaped_processes_logs_nothing_about_them(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """A job that leaves nothing behind gets no such log line; its own `&` child is killed
    with its group as before."""
    pid_file = tmp_path / "bg.pid"
    git_repo.write(
        "jobs/bg.yaml",
        "kind: Job\nname: bg\ntype: command\ninterval: 1h\n"
        f"settings:\n  shell: 'sleep 300 & echo $! > {pid_file}'\n",
    )
    git_repo.commit("a job with a background child")
    state = tmp_path / "state" / "state.json"
    result = run_cli("--jobs-dir", str(git_repo.path / "jobs"), "run", state_file=state)
    assert result.returncode == 0, result.stderr
    assert "left_processes" not in result.stderr
    assert _wait_gone(int(pid_file.read_text()), timeout=30)
