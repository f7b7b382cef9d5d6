"""The daemon's metrics file on a fake clock: written after reloads and runs (not held back
when no other job follows), the daemon's own values, up 0 at exit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.daemon import Daemon
from runner.daemonparts import DaemonParts
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
    registry = default_registry(with_plugins=False)
    with StateStore.open(tmp_path / "state" / "state.json", clock=clock) as store:
        parts = DaemonParts(
            store=store,
            clock=clock,
            inbox=FakeInbox(clock, stop_at=MONDAY + timedelta(minutes=30), stop=stop),
            scanner=Scanner(jobs, timezone="UTC", registry=registry),
            registry=registry,
            notifier=FakeNotifier(),
            memory=MemoryGuard(0, probe=FakeRss(40 << 20)),
            stop=stop,
            default_timeout=timedelta(minutes=5),
            environ={"PATH": "/usr/bin:/bin", "JOBRUNNER_METRICS_FILE": str(metrics)},
        )
        assert Daemon(parts).serve() == 0
    stop.close()
    seen = parse((tmp_path / "seen.prom").read_text())  # as the probe job saw it at 00:10
    assert seen["jobrunner_job_runs_total"].value(job="a") == 1
    assert seen["jobrunner_daemon_up"].value() == 1
    assert seen["jobrunner_daemon_resident_memory_bytes"].value() == 40 << 20
    assert seen["jobrunner_daemon_start_time_seconds"].value() == MONDAY.timestamp()
    final = parse(metrics.read_text())
    assert final["jobrunner_daemon_up"].value() == 0
    assert final["jobrunner_job_runs_total"].value(job="probe") == 1
