"""The daemon under faults of its surroundings: a definitions directory that disappears and
comes back, and a time period that is never active (no busy loop while jobs wait)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.daemonproc import DaemonProcess, event

JOB = (
    "kind: Job\nname: {name}\ntype: command\ninterval: 1s\n{extra}"
    'settings:\n  argv: ["true"]\n  cwd: /\n'
)
NEVER = (
    "kind: TimePeriod\nname: never\ntimezone: UTC\n"
    'ranges:\n  "2001-01-01": "00:00-00:01"\n'  # one minute, 25 years ago
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` so far (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    """A definitions directory (no git) with job `a`, due every second."""
    path = tmp_path / "jobs"
    path.mkdir()
    (path / "a.yaml").write_text(JOB.format(name="a", extra=""))
    return path


@pytest.fixture
def daemon(jobs_dir: Path, tmp_path: Path) -> Iterator[DaemonProcess]:
    """A daemon over `jobs_dir`."""
    process = DaemonProcess(jobs_dir, tmp_path / "state" / "state.json")
    yield process
    process.close()


def test_definitions_directory_gone_and_back(
    daemon: DaemonProcess, jobs_dir: Path, tmp_path: Path
) -> None:
    """While the directory is gone the daemon keeps running its last set; when it comes back
    (with a new job) the daemon loads it without a restart."""
    daemon.wait_for(event("job.finished", job="a", result="success"))
    moved = jobs_dir.rename(tmp_path / "elsewhere")
    refused = daemon.wait_for(event("reload.refused"))["timestamp"]
    daemon.wait_for(lambda line: line["event"] == "job.finished" and line["timestamp"] > refused)
    report = daemon.report_when(lambda d: d["reload_failures"] >= 1)
    assert report["jobs"] == 1
    assert daemon.proc.poll() is None
    (moved / "b.yaml").write_text(JOB.format(name="b", extra=""))
    moved.rename(jobs_dir)
    daemon.wait_for(event("job.finished", job="b", result="success"))
    assert daemon.report_when(lambda d: d["jobs"] == 2)["degraded"] is False
    assert daemon.stop() == 0


def test_never_active_period_leaves_the_daemon_idle(jobs_dir: Path, tmp_path: Path) -> None:
    """Jobs whose period never opens wait without a busy loop: over two seconds the daemon
    uses (almost) no CPU, starts nothing, and says what it waits for."""
    (jobs_dir / "a.yaml").write_text(JOB.format(name="a", extra="timeperiod: never\n"))
    (jobs_dir / "never.yaml").write_text(NEVER)
    daemon = DaemonProcess(jobs_dir, tmp_path / "state" / "state.json")
    try:
        daemon.wait_for(event("daemon.ready"))
        report = daemon.report_when(lambda d: d["state"] == "idle")
        assert report["next_due"] is None
        before = cpu_seconds(daemon.proc.pid)
        with pytest.raises(subprocess.TimeoutExpired):
            daemon.proc.wait(timeout=2.0)  # the measured window; the daemon must not exit
        used = cpu_seconds(daemon.proc.pid) - before
        assert used <= 0.05, f"{used:.2f}s of CPU in 2s while idle"
        assert not (tmp_path / "state" / "runs" / "a").exists()
        assert daemon.stop() == 0
    finally:
        daemon.close()
