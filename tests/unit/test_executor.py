"""The executor with real processes: results, exit codes, start failures, timeouts, output."""

from __future__ import annotations

import os
import signal
import threading
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.clock import SystemClock
from runner.commands.common import stop_on_signals
from runner.executor import Executor, Outcome, Result, RunRequest
from runner.jobtypes.base import LaunchSpec
from runner.state.procinfo import live_group_members
from runner.stop import StopRequest
from runner.supervise import Supervisor
from runner.testing import FakeClock
from tests.unit.mainthread import main_thread_waits_in
from tests.unit.markerclock import ClockFromMarker

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def no_live_members(pgid: int, within_s: float = 5.0) -> bool:
    """Whether group `pgid` has no live process within `within_s` (a SIGKILLed process may
    still be finishing its exit for a moment after its pipe closed)."""
    until = SystemClock().monotonic() + within_s
    while live_group_members(pgid):
        if SystemClock().monotonic() > until:
            return False
        os.sched_yield()
    return True


def request(tmp_path: Path, *argv: str, **changes: object) -> RunRequest:
    """A run of `argv` in `tmp_path` with a 30 s timeout."""
    values: dict[str, object] = {
        "job": "demo",
        "run_id": "r1",
        "spec": LaunchSpec(argv=argv, cwd=tmp_path),
        "timeout": timedelta(seconds=30),
        "output_path": tmp_path / "out.log",
    }
    values.update(changes)
    return RunRequest(**values)  # type: ignore[arg-type]


def sh(tmp_path: Path, script: str, **changes: object) -> RunRequest:
    """A run of a /bin/sh script."""
    return request(tmp_path, "/bin/sh", "-c", script, **changes)


def run(req: RunRequest, **executor: object) -> Outcome:
    """Run `req` with a real clock and a short grace period."""
    settings: dict[str, object] = {"clock": SystemClock(), "grace": timedelta(seconds=0.3)}
    settings.update(executor)
    return Executor(**settings).run(req)  # type: ignore[arg-type]


def test_success_and_output(tmp_path: Path) -> None:
    """Exit 0 is success; stdout and stderr both land in the output file."""
    outcome = run(sh(tmp_path, "echo out; echo err >&2"))
    assert outcome.result is Result.SUCCESS
    assert (outcome.exit_code, outcome.error) == (0, None)
    assert (tmp_path / "out.log").read_text() == "out\nerr\n"
    assert outcome.excerpt == "out\nerr"
    assert outcome.output_bytes == 8


def test_exit_codes_decide(tmp_path: Path) -> None:
    """A non-zero exit is a failure naming the code and the last line, unless listed."""
    failed = run(sh(tmp_path, "echo broken pipe to cmdb; exit 3"))
    assert (failed.result, failed.exit_code) == (Result.FAILURE, 3)
    assert failed.error == "exited with code 3: broken pipe to cmdb"
    accepted = run(sh(tmp_path, "exit 3", success_exit_codes=frozenset({0, 3})))
    assert accepted.result is Result.SUCCESS


def test_signal_death_is_a_failure(tmp_path: Path) -> None:
    """A job killed by a signal it did not get from the runner is a failure with -N."""
    outcome = run(sh(tmp_path, "kill -SEGV $$"))
    assert (outcome.result, outcome.exit_code) == (Result.FAILURE, -11)
    assert outcome.error == "killed by signal SIGSEGV"


def test_missing_command_is_a_failure_without_exit_code(tmp_path: Path) -> None:
    """A program that does not exist is a failure with no exit code and a clear message."""
    outcome = run(request(tmp_path, "/nonexistent/cmdb-import", "--all"))
    assert (outcome.result, outcome.exit_code, outcome.pid) == (Result.FAILURE, None, None)
    assert outcome.error is not None
    assert "cannot start '/nonexistent/cmdb-import': No such file or directory" in outcome.error
    assert "Traceback" not in outcome.error
    assert "cannot start" in (tmp_path / "out.log").read_text()


def test_missing_cwd_is_named(tmp_path: Path) -> None:
    """A working directory that does not exist is reported as such, not as the program."""
    spec = LaunchSpec(argv=("/bin/true",), cwd=tmp_path / "gone")
    outcome = run(request(tmp_path, spec=spec))
    assert outcome.error is not None
    assert f"working directory {tmp_path / 'gone'}" in outcome.error


def test_timeout_kills_a_job_that_ignores_sigterm(tmp_path: Path) -> None:
    """SIGTERM to the group at the timeout, SIGKILL after the grace; recorded as timeout.
    The 0.2 s count from the job's `started` (its trap is set by then), however slowly the
    shell started."""
    script = "trap '' TERM; echo started; sleep 30 & sleep 30; wait"
    clock = ClockFromMarker(tmp_path / "out.log", b"started")
    outcome = run(sh(tmp_path, script, timeout=timedelta(seconds=0.2)), clock=clock)
    assert (outcome.result, outcome.exit_code) == (Result.TIMEOUT, -9)
    assert (
        outcome.error
        == "timed out after 0.2 s (SIGTERM to its process group, SIGKILL after 0.3 s): started"
    )
    assert outcome.duration_s >= 0.5  # the timeout, then the whole grace period
    assert outcome.pid is not None
    assert no_live_members(outcome.pid)


def test_timeout_of_a_job_that_obeys_sigterm(tmp_path: Path) -> None:
    """A job that ends on SIGTERM is not SIGKILLed; still a timeout."""
    outcome = run(
        sh(tmp_path, "sleep 30", timeout=timedelta(seconds=0.2)), grace=timedelta(seconds=30)
    )
    assert (outcome.result, outcome.exit_code) == (Result.TIMEOUT, -15)
    assert outcome.duration_s < 30  # not SIGKILLed after the grace period
    assert outcome.error is not None
    assert "SIGKILL" not in outcome.error


def test_background_grandchild_is_killed(tmp_path: Path) -> None:
    """A daemon child left behind by a job dies with it, and the run does not wait for it."""
    script = "sleep 60 & echo $! > grandchild.pid; echo done"
    outcome = run(sh(tmp_path, script))
    assert outcome.result is Result.SUCCESS
    assert outcome.duration_s < 60  # the run did not wait for the grandchild's sleep
    grandchild = int((tmp_path / "grandchild.pid").read_text())
    assert outcome.pid is not None
    assert no_live_members(outcome.pid)
    assert grandchild not in live_group_members(outcome.pid)


def test_huge_output_is_capped_with_head_and_tail(tmp_path: Path) -> None:
    """50 MB of output keeps memory small and the file capped: head, elision note, tail."""
    script = "echo BEGIN; head -c 50000000 /dev/zero | tr '\\0' x; echo; echo END"
    tracemalloc.start()
    try:
        outcome = run(sh(tmp_path, script), output_cap=64 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024
    data = (tmp_path / "out.log").read_bytes()
    assert outcome.output_bytes == 6 + 50_000_000 + 1 + 4
    assert outcome.output_elided == outcome.output_bytes - 64 * 1024
    assert data.startswith(b"BEGIN\nxxx")
    assert data.endswith(b"xxx\nEND\n")
    assert f"[jobrunner: {outcome.output_elided} bytes of output elided]".encode() in data
    assert len(data) < 64 * 1024 + 100
    assert outcome.excerpt.endswith("END")


def test_on_spawn_gets_pid_and_own_group(tmp_path: Path) -> None:
    """`on_spawn` receives the child's pid and process group, which is its own."""
    seen: list[tuple[int, int, int]] = []

    def spawned(pid: int, pgid: int) -> None:
        seen.append((pid, pgid, os.getpgid(pid)))

    executor = Executor(clock=SystemClock())
    outcome = executor.run(sh(tmp_path, "read line"), on_spawn=spawned)
    assert outcome.result is Result.FAILURE  # stdin is /dev/null: `read` hits end of file
    assert len(seen) == 1
    pid, pgid, actual = seen[0]
    assert pid == pgid == actual == outcome.pid
    assert actual != os.getpgid(0)


def test_times_come_from_the_injected_clock(tmp_path: Path) -> None:
    """Start and end instants are the injected clock's, aware and in UTC."""
    outcome = Executor(clock=FakeClock(T0)).run(sh(tmp_path, "true"))
    assert (outcome.started, outcome.finished, outcome.duration_s) == (T0, T0, 0.0)


def test_stop_request_interrupts_with_grace_then_kill(tmp_path: Path) -> None:
    """A stop request ends the job as interrupted: SIGTERM, then SIGKILL after the grace."""
    stop = StopRequest()
    output = tmp_path / "out.log"

    def tick() -> None:
        if b"ready" in output.read_bytes() and not stop.level:
            stop.request()

    script = "trap '' TERM; echo ready; sleep 30"
    outcome = Executor(
        clock=SystemClock(), grace=timedelta(seconds=0.3), tick=tick, tick_interval_s=0.01
    ).run(sh(tmp_path, script), stop=stop)
    stop.close()
    assert (outcome.result, outcome.exit_code) == (Result.INTERRUPTED, -9)
    assert (
        outcome.error
        == "stopped by the runner (SIGTERM to its process group, SIGKILL after 0.3 s): ready"
    )


def test_second_stop_request_kills_at_once(tmp_path: Path) -> None:
    """A second request skips the grace period (SIGKILL now)."""
    stop = StopRequest()

    def spawned(_pid: int, _pgid: int) -> None:
        stop.request()
        stop.request()

    executor = Executor(clock=SystemClock(), grace=timedelta(seconds=60))
    outcome = executor.run(sh(tmp_path, "trap '' TERM; sleep 30"), on_spawn=spawned, stop=stop)
    stop.close()
    assert outcome.result is Result.INTERRUPTED
    assert outcome.duration_s < 30


def test_ticks_while_a_job_runs(tmp_path: Path) -> None:
    """The periodic callback runs while the job runs (the daemon's watchdog pings)."""
    ticks: list[int] = []
    output = tmp_path / "out.log"
    flag = tmp_path / "go"

    def tick() -> None:
        ticks.append(1)
        if len(ticks) == 3:
            flag.write_text("")

    script = f"echo waiting; while [ ! -e {flag} ]; do sleep 0.01; done"
    outcome = Executor(clock=SystemClock(), tick=tick, tick_interval_s=0.01).run(
        sh(tmp_path, script, output_path=output)
    )
    assert outcome.result is Result.SUCCESS
    assert len(ticks) >= 3


def test_first_run_creates_the_output_directory(tmp_path: Path) -> None:
    """The output file's directory (`runs/<job>/`) is created 0750 on a job's first run."""
    output = tmp_path / "runs" / "demo" / "r1.log"
    outcome = run(sh(tmp_path, "echo hi", output_path=output))
    assert outcome.result is Result.SUCCESS
    assert output.read_text() == "hi\n"
    assert (output.parent.stat().st_mode & 0o777, output.stat().st_mode & 0o777) == (0o750, 0o640)


def test_sigterm_caught_in_another_thread_stops_the_job_at_once(tmp_path: Path) -> None:
    """`run`'s SIGTERM whose C-level handler runs in another thread (or just before the
    executor's poll blocks) stops the job at once through the wakeup fd; the job used to run
    on until its end (here: a success after 10 s) or its timeout."""
    stop = StopRequest()
    output = tmp_path / "out.log"
    seen: list[bool] = []

    def ready() -> bool:
        return b"ready" in output.read_bytes()

    def sender() -> None:
        seen.append(main_thread_waits_in(Supervisor._loop.__code__, ready))
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

    with stop_on_signals(stop):
        thread = threading.Thread(target=sender)
        thread.start()
        outcome = Executor(clock=SystemClock(), grace=timedelta(seconds=0.3)).run(
            sh(tmp_path, "echo ready; exec sleep 10"), stop=stop
        )
        thread.join()
    stop.close()
    assert seen == [True]
    assert (outcome.result, outcome.exit_code) == (Result.INTERRUPTED, -15)
