"""Daemon latency and memory: start lag, reload latency, idle RSS and RSS growth.

    python bench/latency.py [--jobs 1000] [--runs 200] [--fast 4] [--growth-runs 10000]

Sets up a definitions directory with `--jobs` hourly `/bin/true` jobs (run once by a
`jobrunner run` pass first, so they are not due), starts `jobrunner run --forever` on it and
measures, from the daemon's JSON log:
- start lag: `job.started` time minus `due_at` over `--runs` runs of `--fast` one-second jobs,
  added 1/fast seconds apart so that they do not collide; printed beside the p99 of an
  fdatasync of a small file in the same state directory (the one fsync each run costs);
- reload latency: from writing a new job file to the `definitions.reloaded` line that adds
  it, and on to that job's `job.started` (it is due at once), for each of the fast jobs plus
  10 probe files written 0.6 s apart;
- RSS (from /proc/PID/statm) when idle with the jobs loaded, and its growth over the runs;
  then `bench/daemon_growth.py` for the growth over `--growth-runs` (10,000) runs.
Figures are printed as measured; machines are shared and noisy, so compare within a run.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOB = """kind: Job
name: {name}
type: command
interval: {interval}
timeout: 1m
settings:
  argv: ["/bin/true"]
"""


def rss(pid: int) -> int:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def fsync_p99(directory: Path, count: int = 200) -> float:
    samples = []
    path = directory / "fsync-probe"
    with path.open("ab") as handle:
        for _ in range(count):
            handle.write(b'{"probe": 1}\n')
            handle.flush()
            start = time.perf_counter()
            os.fdatasync(handle.fileno())
            samples.append(time.perf_counter() - start)
    path.unlink()
    return statistics.quantiles(samples, n=100)[98]


class Log:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc, self.buffer, self.lines = proc, b"", []  # type: ignore[var-annotated]

    def pump(self, timeout: float) -> list[dict]:  # type: ignore[type-arg]
        assert self.proc.stderr is not None
        ready, _, _ = select.select([self.proc.stderr], [], [], timeout)
        if not ready:
            return []
        self.buffer += self.proc.stderr.read1(1 << 20)  # type: ignore[attr-defined]
        *complete, self.buffer = self.buffer.split(b"\n")
        fresh = [json.loads(raw) for raw in complete if raw.startswith(b"{")]
        self.lines.extend(fresh)
        return fresh


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--fast", type=int, default=4)
    parser.add_argument("--growth-runs", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jobrunner-latency-"))
    jobs, state = work / "jobs", work / "state" / "state.json"
    jobs.mkdir()
    for index in range(args.jobs):
        (jobs / f"job{index:05d}.yaml").write_text(
            JOB.format(name=f"job{index:05d}", interval="1h")
        )
    env = {**os.environ, "JOBRUNNER_STATE_FILE": str(state), "TZ": "UTC"}
    base = [sys.executable, "-m", "runner", "--jobs-dir", str(jobs), "--log-format", "json"]
    subprocess.run([*base, "run"], env=env, check=False, capture_output=True)
    proc = subprocess.Popen([*base, "run", "--forever"], env=env, stderr=subprocess.PIPE)
    log = Log(proc)
    while not any(line.get("event") == "daemon.ready" for line in log.lines):
        log.pump(10)
    log.pump(1.0)
    idle_rss = rss(proc.pid)
    written: dict[str, float] = {}
    names = [f"fast{i}" for i in range(args.fast)] + [f"probe{i}" for i in range(10)]
    for name in names:
        interval = "1s" if name.startswith("fast") else "1h"
        written[name] = time.time()
        (jobs / f"{name}.yaml").write_text(JOB.format(name=name, interval=interval))
        # probes are spaced out so that each is its own reload, not a storm of them
        gap = 1.0 / args.fast if name.startswith("fast") else 0.6
        deadline = time.monotonic() + gap
        while time.monotonic() < deadline:
            log.pump(max(0.0, deadline - time.monotonic()))
    lags: list[float] = []
    rss_after_first = rss(proc.pid)
    while len(lags) < args.runs:
        for line in log.pump(5):
            if line.get("event") == "job.started" and str(line.get("job")).startswith("fast"):
                started = _ts(line["timestamp"])
                lags.append(started - _ts(line["due_at"]))
    end_rss = rss(proc.pid)
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    reloads, loads = [], []
    for name, at in written.items():
        first = next(
            (e for e in log.lines if e.get("event") == "job.started" and e.get("job") == name), None
        )
        loaded = next(
            (
                e
                for e in log.lines
                if e.get("event") == "definitions.reloaded" and name in e.get("added", [])
            ),
            None,
        )
        if first is not None:
            reloads.append(_ts(first["timestamp"]) - at)
        if loaded is not None:
            loads.append(_ts(loaded["timestamp"]) - at)
    # the first run of each fast job is due at its reload: its lag is the reload's, not the loop's
    steady = lags[args.fast :] if len(lags) > args.fast else lags
    p99 = fsync_p99(state.parent)
    print(f"jobs loaded: {args.jobs}; runs measured: {len(steady)}")
    print(
        f"start lag: median {statistics.median(steady) * 1000:.2f} ms, "
        f"p99 {statistics.quantiles(steady, n=100)[98] * 1000:.2f} ms "
        f"(fdatasync p99 here: {p99 * 1000:.2f} ms)"
    )
    print(
        f"reload latency (write -> definitions.reloaded): median "
        f"{statistics.median(loads) * 1000:.0f} ms, max {max(loads) * 1000:.0f} ms over "
        f"{len(loads)} files; write -> the new job's job.started: median "
        f"{statistics.median(reloads) * 1000:.0f} ms"
    )
    print(
        f"idle RSS with {args.jobs} jobs: {idle_rss / 2**20:.1f} MiB; growth over "
        f"{len(lags)} runs: {(end_rss - rss_after_first) / 2**20:+.2f} MiB"
    )
    # growth over 10,000 runs needs runs faster than real time: bench/daemon_growth.py drives
    # the same daemon loop on a fake clock
    growth = Path(__file__).with_name("daemon_growth.py")
    subprocess.run([sys.executable, str(growth), "--runs", str(args.growth_runs)], check=True)


def _ts(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


if __name__ == "__main__":
    main()
