"""The daemon's metrics file on a fake clock: written after reloads and runs (not held back
when no other job follows), the daemon's own values, up 0 at exit, at a pause or resume, and
at least every METRICS_REFRESH_S idle or while a job runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.daemon import MAX_WAIT_S, METRICS_REFRESH_S, Daemon
from runner.daemonfile import Pause, write_pause
from runner.daemonparts import DaemonParts
from runner.inbox import PauseChanged
from runner.jobtypes import default_registry
from runner.memory import MemoryGuard
from runner.reload import Scanner
from runner.state import StateStore
from runner.stop import StopRequest
from runner.testing import FakeClock, FakeInbox, FakeNotifier, FakeRss
from tests.unit.test_metrics_promtext import parse

MONDAY = datetime(2026, 10, 19, tzinfo=UTC)
JOB = "kind: Job\nname: {name}\ntype: command\ninterval: 1h\n{extra}settings:\n  {settings}\n"


def test_daemon_writes_after_a_lone_run_and_at_exit(tmp_path: Path) -> None:
    """A run right after the start-up write is shown at once (nothing else is due), the
    daemon's values are there, and exit writes up 0."""
    jobs, metrics = tmp_path / "jobs", tmp_path / "jobrunner.prom"
    jobs.mkdir()
    (jobs / "a.yaml").write_text(JOB.format(name="a", extra="", settings="argv: ['true']"))
    period = "kind: TimePeriod\nname: later\ntimezone: UTC\nranges:\n  monday: '00:10-23:00'\n"
    copy = f"argv: [cp, '{metrics}', '{tmp_path / 'seen.prom'}']"
    (jobs / "probe.yaml").write_text(
        period + "---\n" + JOB.format(name="probe", extra="timeperiod: later\n", settings=copy)
    )
    clock, stop = FakeClock(MONDAY), StopRequest()
    with StateStore.open(tmp_path / "state" / "state.json", clock=clock) as store:
        daemon = _daemon(tmp_path, clock, store, stop, run_for=timedelta(minutes=30))
        assert daemon.serve() == 0
    stop.close()
    seen = parse((tmp_path / "seen.prom").read_text())  # as the probe job saw it at 00:10
    assert seen["jobrunner_job_runs_total"].value(job="a") == 1
    assert seen["jobrunner_daemon_up"].value() == 1
    assert seen["jobrunner_daemon_resident_memory_bytes"].value() == 40 << 20
    assert seen["jobrunner_daemon_start_time_seconds"].value() == MONDAY.timestamp()
    final = parse(metrics.read_text())
    assert final["jobrunner_daemon_up"].value() == 0
    assert final["jobrunner_job_runs_total"].value(job="probe") == 1


def _daemon(
    tmp_path: Path,
    clock: FakeClock,
    store: StateStore,
    stop: StopRequest,
    *,
    run_for: timedelta = timedelta(hours=2),
) -> Daemon:
    """A daemon over the jobs in `tmp_path/jobs` (one hourly job `a` if there is none yet)
    with the metrics file `tmp_path/jobrunner.prom`, on `clock`, stopping after `run_for`."""
    jobs = tmp_path / "jobs"
    if not jobs.exists():
        jobs.mkdir()
        (jobs / "a.yaml").write_text(JOB.format(name="a", extra="", settings="argv: ['true']"))
    registry = default_registry(with_plugins=False)
    metrics = tmp_path / "jobrunner.prom"
    return Daemon(
        DaemonParts(
            store=store,
            clock=clock,
            inbox=FakeInbox(clock, stop_at=MONDAY + run_for, stop=stop),
            scanner=Scanner(jobs, timezone="UTC", registry=registry),
            registry=registry,
            notifier=FakeNotifier(),
            memory=MemoryGuard(0, probe=FakeRss(40 << 20)),
            stop=stop,
            default_timeout=timedelta(minutes=5),
            environ={"PATH": "/usr/bin:/bin", "JOBRUNNER_METRICS_FILE": str(metrics)},
        )
    )


def test_pause_and_resume_are_written_at_once(tmp_path: Path) -> None:
    """A paused daemon runs nothing, so no run would rewrite the file: the pause itself does,
    and so does the resume."""
    clock, stop = FakeClock(MONDAY), StopRequest()
    metrics = tmp_path / "jobrunner.prom"
    with StateStore.open(tmp_path / "state" / "state.json", clock=clock) as store:
        daemon = _daemon(tmp_path, clock, store, stop)
        daemon._start()
        assert daemon._turn() is False  # runs job a
        assert parse(metrics.read_text())["jobrunner_daemon_paused"].value() == 0
        pause = Pause(by="ops@host", at=clock.now(), reason="maintenance")
        write_pause(store.paths.directory, pause)
        daemon.parts.inbox.put(PauseChanged())
        daemon._turn()
        assert parse(metrics.read_text())["jobrunner_daemon_paused"].value() == 1
        (store.paths.directory / "pause.json").unlink()
        daemon.parts.inbox.put(PauseChanged())
        daemon._turn()
        assert parse(metrics.read_text())["jobrunner_daemon_paused"].value() == 0
        daemon._shutdown()
    stop.close()


def test_rewritten_while_idle_and_while_a_job_runs(tmp_path: Path) -> None:
    """Between runs the file is rewritten within a minute (its mtime shows a live daemon);
    `tick`, called every second while a job runs, rewrites it too."""
    clock, stop = FakeClock(MONDAY), StopRequest()
    metrics = tmp_path / "jobrunner.prom"
    with StateStore.open(tmp_path / "state" / "state.json", clock=clock) as store:
        daemon = _daemon(tmp_path, clock, store, stop)
        daemon._start()
        daemon._turn()  # runs job a, then waits at most MAX_WAIT_S
        metrics.unlink()
        start = clock.now()
        while not metrics.exists() and clock.now() - start <= timedelta(minutes=2):
            daemon._turn()  # idle: nothing is due for an hour
        assert metrics.exists()
        assert clock.now() - start <= timedelta(seconds=MAX_WAIT_S + METRICS_REFRESH_S)
        metrics.unlink()
        daemon.tick()  # within METRICS_REFRESH_S of the last write: nothing yet
        assert not metrics.exists()
        clock.advance(timedelta(seconds=METRICS_REFRESH_S))
        daemon.tick()
        assert parse(metrics.read_text())["jobrunner_daemon_up"].value() == 1
        daemon._shutdown()
    stop.close()
