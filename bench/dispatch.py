"""Dispatch cost: one `jobrunner run` pass over N trivial jobs vs. the physical floor.

The floor is a bare Python loop that spawns the same N `/bin/true` processes in a new session
with output redirected to a per-run file, and appends and fdatasyncs one small JSON line per
process. The one-off cost of loading the definitions is excluded by timing a second pass in
which nothing is due and subtracting it. Prints the ratio (targets: 1.25x at N=1,000, 1.4x at
N=10,000) and the runner's peak RSS.

    .venv/bin/python bench/dispatch.py [N ...]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOB = "kind: Job\nname: j{i:05d}\ntype: command\ninterval: 1d\nsettings:\n  argv: [/bin/true]\n"


def jobrunner(jobs: Path, state: Path, *args: str) -> float:
    env = {**os.environ, "JOBRUNNER_STATE_FILE": str(state)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "runner", "--jobs-dir", str(jobs), *args],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def floor(n: int, work: Path) -> float:
    work.mkdir(parents=True, exist_ok=True)
    journal = os.open(work / "journal", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    started = time.perf_counter()
    for i in range(n):
        out_dir = work / "runs" / f"j{i:05d}"
        out_dir.mkdir(parents=True, exist_ok=True)
        with (out_dir / "run.log").open("wb") as out:
            process = subprocess.Popen(
                ["/bin/true"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
            process.wait()
        os.write(journal, json.dumps({"j": f"j{i:05d}", "rc": process.returncode}).encode() + b"\n")
        os.fdatasync(journal)
    elapsed = time.perf_counter() - started
    os.close(journal)
    return elapsed


def measure(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        jobs = root / "jobs"
        jobs.mkdir()
        for i in range(n):
            (jobs / f"j{i:05d}.yaml").write_text(JOB.format(i=i))
        state = root / "state" / "state.json"
        full = jobrunner(jobs, state, "run")
        idle = jobrunner(jobs, state, "run")
        bare = floor(n, root / "floor")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        dispatch = full - idle
        print(
            f"N={n}: jobrunner pass {full:.2f}s - idle pass {idle:.2f}s = {dispatch:.2f}s; "
            f"floor {bare:.2f}s; ratio {dispatch / bare:.2f}x; peak RSS {peak:.0f} MiB"
        )


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1000"]:
        measure(int(arg))
