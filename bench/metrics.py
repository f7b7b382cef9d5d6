"""Metrics file cost: one write of the file for N jobs vs. dispatching one job.

Rendering is O(N): every defined job's series are written, whichever job ran. Printed per N:
- `write`: one render + atomic replace of the file (median of `--repeat`);
- `dispatch`: one run of a trivial job (`/bin/true`) through the real Dispatcher and state
  store, without metrics (per run, over a burst of back-to-back runs: every one of the N
  jobs, as in a first pass, or `--runs` of them);
- `unpaced`: write / dispatch, the cost per run if the file were written after every run;
- `paced`: the measured cost of the same back-to-back runs with the metrics file on, as
  jobrunner paces it (at most one write a second and at most 5% of the time, the rest
  at the end of the burst), relative to the runs without it (best of `--repeat`).

    .venv/bin/python bench/metrics.py [--repeat R] [--runs K] [N ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from runner.clock import SystemClock
from runner.dispatch import Dispatcher
from runner.executor import Executor
from runner.jobtypes import default_registry
from runner.logconfig import configure_logging
from runner.metricsfile import MetricsFile
from runner.model import Definitions, JobDef
from runner.state import StateStore, format_instant


def jobs(n: int, root: Path) -> Definitions:
    """N hourly `/bin/true` jobs."""
    defs = {
        f"j{i:05d}": JobDef(
            name=f"j{i:05d}",
            type="command",
            interval=timedelta(hours=1),
            settings={"argv": ["/bin/true"]},
        )
        for i in range(n)
    }
    return Definitions(root=root, jobs=defs)


def records(n: int) -> dict[str, dict[str, Any]]:
    """State records as after a few runs each."""
    at = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    record = {
        "last_attempt": format_instant(at),
        "last_finished": format_instant(at + timedelta(seconds=1.5)),
        "last_success": format_instant(at + timedelta(seconds=1.5)),
        "last_result": "success",
        "last_exit_code": 0,
        "last_duration_s": 1.5,
        "runs": 12,
        "failures": 1,
        "consecutive_failures": 0,
    }
    return {f"j{i:05d}": dict(record) for i in range(n)}


def write_cost(n: int, work: Path, repeat: int) -> float:
    """Median seconds of one write of the file for N jobs."""
    metrics = MetricsFile(work / "jobrunner.prom", SystemClock())
    metrics.update(jobs(n, work), records(n), "0" * 40)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        metrics.write()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def dispatch_burst(n: int, work: Path, runs: int, *, with_metrics: bool) -> float:
    """Seconds for `runs` back-to-back runs in an N-job set (the end-of-pass flush included)."""
    clock = SystemClock()
    definitions = jobs(n, work)
    with StateStore.open(work / "state" / "state.json", clock=clock) as store:
        store.data.jobs.update(records(n))
        metrics = MetricsFile(work / "jobrunner.prom", clock) if with_metrics else None
        dispatcher = Dispatcher(
            definitions=definitions,
            registry=default_registry(),
            store=store,
            executor=Executor(clock=clock),
            clock=clock,
            environ=dict(os.environ),
            metrics=metrics,
        )
        names = list(definitions.jobs)[:runs]
        started = time.perf_counter()
        for name in names:
            dispatcher.run(definitions.jobs[name], None)
        dispatcher.flush_metrics()
        return time.perf_counter() - started


def main() -> None:
    """Print the table (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=0, help="runs per burst (0: all N)")
    args = parser.parse_args()
    configure_logging(log_format="console", quiet=True)  # as `run` off a terminal
    print(f"{'jobs':>6} {'write':>9} {'dispatch':>9} {'unpaced':>8} {'paced':>7} {'file':>9}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            write = write_cost(n, work, args.repeat)
            size = (work / "jobrunner.prom").stat().st_size
            runs = min(args.runs, n) if args.runs else n
            plains, paceds = [], []
            for r in range(args.repeat):  # interleaved: a busy machine slows both alike
                plains.append(dispatch_burst(n, work / f"plain{r}", runs, with_metrics=False))
                paceds.append(dispatch_burst(n, work / f"paced{r}", runs, with_metrics=True))
            plain, paced = min(plains), min(paceds)
            per_run = plain / runs
            print(
                f"{n:>6} {write * 1000:>7.1f}ms {per_run * 1000:>7.2f}ms "
                f"{write / per_run:>7.1f}x {paced / plain:>6.2f}x {size / 1024:>7.0f}KiB"
            )


if __name__ == "__main__":
    main()
