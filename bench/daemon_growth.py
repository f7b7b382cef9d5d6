"""Daemon memory over many runs: RSS growth of the real daemon loop over 10,000 runs.

    python bench/daemon_growth.py [--runs 10000] [--jobs 50]

Runs `runner.daemon.Daemon` in this process on a fake clock (`runner.testing.FakeInbox`
lets simulated time pass instead of waiting), so 10,000 runs of `/bin/true` take as long as
spawning them, not hours. Everything else is the production path: the planner, the
dispatcher and executor with real child processes, the state store with its journal, fsyncs
and compaction, run output files and their pruning, daemon.json, JSON log lines (written to
/dev/null). RSS is read from
/proc/self/statm after a warm-up of `--warmup` runs and at the end; the target is growth
under 2 MB over 10,000 runs. Printed as measured, and as a ratio to the warm RSS.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.daemon import Daemon
from runner.daemonparts import DaemonParts
from runner.jobtypes import default_registry
from runner.logconfig import configure_logging
from runner.memory import MemoryGuard, current_rss
from runner.reload import Scanner
from runner.state import StateStore
from runner.stop import StopRequest
from runner.testing import FakeClock, FakeInbox, FakeNotifier

JOB = """kind: Job
name: {name}
type: command
interval: 1m
timeout: 1m
settings:
  argv: ["/bin/true"]
"""


def run_daemon(work: Path, jobs: int, runs: int, clock: FakeClock) -> int:
    """Serve until about `runs` runs have happened; return the runs actually made."""
    stop = StopRequest()
    minutes = runs // jobs
    inbox = FakeInbox(
        clock, stop_at=clock.now() + timedelta(minutes=minutes) - timedelta(seconds=1), stop=stop
    )
    registry = default_registry(with_plugins=False)
    with StateStore.open(work / "state" / "state.json", clock=clock) as store:
        parts = DaemonParts(
            store=store,
            clock=clock,
            inbox=inbox,
            scanner=Scanner(work / "jobs", timezone="UTC", registry=registry),
            registry=registry,
            notifier=FakeNotifier(),
            memory=MemoryGuard(0),
            stop=stop,
            default_timeout=timedelta(minutes=1),
            environ={"PATH": "/usr/bin:/bin"},
        )
        Daemon(parts).serve()
        return sum(record.runs for record in (store.job(f"j{i:03}") for i in range(jobs)) if record)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args()
    # the daemon's own JSON log lines, as in production, but into /dev/null
    configure_logging(log_format="json", stream=Path(os.devnull).open("w"))  # noqa: SIM115
    work = Path(tempfile.mkdtemp(prefix="jobrunner-growth-"))
    (work / "jobs").mkdir()
    for index in range(args.jobs):
        (work / "jobs" / f"j{index:03}.yaml").write_text(JOB.format(name=f"j{index:03}"))
    clock = FakeClock(datetime(2026, 11, 25, tzinfo=UTC))
    warm = run_daemon(work, args.jobs, args.warmup, clock)
    gc.collect()
    before = current_rss()
    total = run_daemon(work, args.jobs, args.runs, clock)
    gc.collect()
    after = current_rss()
    print(f"jobs: {args.jobs}; warm-up runs: {warm}; measured runs: {total - warm}")
    print(
        f"RSS after warm-up {before / 2**20:.1f} MiB, after {total - warm} more runs "
        f"{after / 2**20:.1f} MiB: growth {(after - before) / 2**20:+.2f} MiB "
        f"({(after - before) / before:+.1%} of the warm RSS; target < 2 MB per 10,000 runs)"
    )


if __name__ == "__main__":
    main()
