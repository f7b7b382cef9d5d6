"""Unfinished attempts at start-up: a leftover process group is killed, `interrupted` recorded."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from runner.clock import SystemClock
from runner.state import StateStore, load_state, recover_unfinished
from runner.state.recovery import is_group_alive
from runner.testing import FakeClock
from tests.unit.test_state_store import T0


def _reaped(process: subprocess.Popen[bytes]) -> threading.Thread:
    """Reap `process` as soon as it dies, so that its group really disappears."""
    thread = threading.Thread(target=process.wait, daemon=True)
    thread.start()
    return thread


def test_leftover_group_of_a_dead_runner_is_killed(tmp_path: Path) -> None:
    """An open attempt from this boot whose group still runs gets killed and `interrupted`."""
    path = tmp_path / "state.json"
    job = subprocess.Popen(
        ["/bin/sh", "-c", "trap '' TERM; sleep 60 & sleep 60; wait"], start_new_session=True
    )
    reaper = _reaped(job)
    store = StateStore.open(path, clock=FakeClock(T0))
    store.begin("a", run_id="r1", started=T0)
    store.started("a", job.pid, job.pid)
    store.close()  # the runner "dies" here, its job still running

    store = StateStore.open(path, clock=FakeClock(T0 + timedelta(minutes=2)))
    recovered = recover_unfinished(store, T0 + timedelta(minutes=2), grace_s=0.3)
    store.close()
    reaper.join(timeout=10)
    assert job.returncode is not None
    assert not is_group_alive(job.pid)
    assert [(r.job, r.run_id, r.killed) for r in recovered] == [("a", "r1", True)]
    state = load_state(path)[0].job("a")
    assert state is not None
    assert (state.last_result, state.last_exit_code, state.attempt) == ("interrupted", None, None)
    assert state.consecutive_interruptions == 1
    assert state.last_duration_s == 120.0
    assert "was killed" in (state.last_error or "")


def test_other_boot_and_unstarted_attempts_kill_nothing(tmp_path: Path) -> None:
    """An attempt from another boot, or one that never got a pid, is just closed."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    store.begin("a", run_id="r1", started=T0)
    store.started("a", 1, 1)
    store.data.jobs["a"]["attempt"]["boot_id"] = "another-boot"
    store.begin("b", run_id="r2", started=T0)
    recovered = recover_unfinished(store, T0)
    assert [(r.job, r.killed) for r in recovered] == [("a", False), ("b", False)]
    assert "rebooted" in recovered[0].error
    assert "had not started" in recovered[1].error
    store.close()


def test_recycled_pid_is_not_killed(tmp_path: Path) -> None:
    """A pid now used by a process that started at another time is left alone."""
    path = tmp_path / "state.json"
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        store = StateStore.open(path, clock=FakeClock(T0))
        store.begin("a", run_id="r1", started=T0)
        store.started("a", other.pid, other.pid)
        store.data.jobs["a"]["attempt"]["leader_start"] = 1
        recovered = recover_unfinished(store, T0)
        store.close()
        assert recovered[0].killed is False
        assert other.poll() is None
    finally:
        other.kill()
        other.wait(timeout=10)


RUNNER = """
import sys
from datetime import timedelta
from pathlib import Path
from runner.clock import SystemClock
from runner.executor import Executor, RunRequest
from runner.jobtypes.base import LaunchSpec
from runner.clock import SystemClock
from runner.state import StateStore, new_run_id, output_path

clock = SystemClock()
store = StateStore.open(Path(sys.argv[1]), clock=clock)
now = clock.now()
run_id = new_run_id(now)
store.begin("slow", run_id=run_id, started=now)

def spawned(pid, pgid):
    store.started("slow", pid, pgid)
    print("spawned", pid, flush=True)

spec = LaunchSpec(argv=("/bin/sh", "-c", "sleep 60 & sleep 60"), cwd=Path(sys.argv[1]).parent)
request = RunRequest(job="slow", run_id=run_id, spec=spec, timeout=timedelta(minutes=5),
                     output_path=output_path(store.paths, "slow", run_id))
Executor(clock=clock).run(request, on_spawn=spawned)
"""


def test_sigkill_of_the_runner_mid_job(tmp_path: Path) -> None:
    """A runner killed with SIGKILL during a job: the next start kills the job's group and
    records `interrupted`, from a pid record that was written without an fsync."""
    path = tmp_path / "state.json"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])}
    with subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(path)], stdout=subprocess.PIPE, text=True, env=env
    ) as runner:
        assert runner.stdout is not None
        word, pid = runner.stdout.readline().split()
        assert word == "spawned"
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=10)
    job_pgid = int(pid)
    assert is_group_alive(job_pgid)
    store = StateStore.open(path, clock=SystemClock())
    recovered = recover_unfinished(store, SystemClock().now(), grace_s=2.0)
    store.close()
    assert [(r.job, r.killed) for r in recovered] == [("slow", True)]
    assert not is_group_alive(job_pgid)
    state = load_state(path)[0].job("slow")
    assert state is not None
    assert (state.last_result, state.attempt) == ("interrupted", None)
