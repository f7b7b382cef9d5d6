"""Dispatch cost: one `jobrunner run` pass over N trivial jobs vs. the physical floor.

The floor (issue 4) is a bare Python loop that spawns the same N `/bin/true` processes with
the same `Popen` arguments jobrunner uses: the job's working directory and environment (the
runner's plus the `JOBRUNNER_*` variables), stdin from /dev/null, a new session, stdout and
stderr into one pipe that is copied into a per-run file under `runs/<job>/`; and it appends
and fdatasyncs one small JSON line per process. The one-off cost of loading the definitions
is excluded by timing a pass in which nothing is due and subtracting it. Logging stays at
its default level (`run` off a terminal).

Two passes are measured, each against its own floor:
- first: a fresh state, so every job also gets its `runs/<job>/` and `work/<job>/`
  directories (the floor creates `runs/<job>/` only: the work directory is jobrunner's own);
- again: every job due again (what cron sees every minute), directories in place.
Each is repeated (`--repeat`, default 3); printed are the median ratio, every repetition's
ratio, and the best pass over the best floor (as `timeit` takes the minimum: interference
from the disk or other processes only ever adds time), since the disk's journal commits make
single timings noisy. Also printed: the ratio against a barer floor
(output straight into the file, inherited environment), for the first pass against a floor
that also creates each job's work directory, and the runner's peak RSS.
Targets: at most 1.25x the floor for N = 1,000 and 1.4x for N = 10,000.

    .venv/bin/python bench/dispatch.py [--repeat R] [N ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOB = "kind: Job\nname: j{i:05d}\ntype: command\ninterval: 1d\nsettings:\n  argv: [/bin/true]\n"


def jobrunner(jobs: Path, state: Path, *args: str) -> float:
    """Wall time of one `jobrunner` command."""
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


def _job_env(base: dict[str, str], name: str, work: Path) -> dict[str, str]:
    return {
        **base,
        "JOBRUNNER_JOB": name,
        "JOBRUNNER_RUN_ID": "20261125T000000.000Z-0000",
        "JOBRUNNER_REVISION": "",
        "JOBRUNNER_DUE_AT": "2026-11-25T00:00:00.000Z",
        "JOBRUNNER_DEADLINE": "2026-11-25T01:00:00.000Z",
        "JOBRUNNER_LAST_SUCCESS": "",
        "JOBRUNNER_LAST_RESULT": "",
        "JOBRUNNER_WORK_DIR": str(work / "work" / name),
    }


def floor(n: int, work: Path, cwd: Path, *, bare: bool = False, work_dirs: bool = False) -> float:
    """The physical floor (see the module docstring); `bare`: output straight into the
    file and the inherited environment; `work_dirs`: also create `work/<job>/` (not part of
    the floor the issue defines; printed to show what the first pass's excess is made of)."""
    work.mkdir(parents=True, exist_ok=True)
    journal = os.open(work / "journal", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    base = dict(os.environ)
    started = time.perf_counter()
    for i in range(n):
        name = f"j{i:05d}"
        out_dir = work / "runs" / name
        out_dir.mkdir(parents=True, exist_ok=True)
        if work_dirs:
            (work / "work" / name).mkdir(parents=True, exist_ok=True)
        out = os.open(out_dir / f"{time.perf_counter_ns()}.log", os.O_WRONLY | os.O_CREAT, 0o640)
        if bare:
            process = subprocess.Popen(
                ["/bin/true"], stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True,
            )  # fmt: skip
        else:
            read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
            process = subprocess.Popen(
                ["/bin/true"], cwd=cwd, env=_job_env(base, name, work), stdin=subprocess.DEVNULL,
                stdout=write_fd, stderr=write_fd, start_new_session=True,
            )  # fmt: skip
            os.close(write_fd)
            while chunk := os.read(read_fd, 65536):
                os.write(out, chunk)
            os.close(read_fd)
        process.wait()
        os.close(out)
        os.write(journal, json.dumps({"j": name, "rc": process.returncode}).encode() + b"\n")
        os.fdatasync(journal)
    elapsed = time.perf_counter() - started
    os.close(journal)
    return elapsed


def make_all_due(state: Path) -> None:
    """Move every job's last attempt two days back (the runner is not running)."""
    document = json.loads(state.read_text())
    for record in document["jobs"].values():
        record["last_attempt"] = "2000-01-01T00:00:00.000Z"
    state.write_text(json.dumps(document))


def measure_once(n: int) -> dict[str, float]:
    """One repetition: first and repeated pass, each with its idle pass and floors."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        jobs = root / "jobs"
        jobs.mkdir()
        for i in range(n):
            (jobs / f"j{i:05d}.yaml").write_text(JOB.format(i=i))
        state = root / "state" / "state.json"
        first = jobrunner(jobs, state, "run") - jobrunner(jobs, state, "run")
        first_floor = floor(n, root / "floor1", jobs)
        first_bare = floor(n, root / "bare1", jobs, bare=True)
        first_work = floor(n, root / "work1", jobs, work_dirs=True)
        make_all_due(state)
        again = jobrunner(jobs, state, "run") - jobrunner(jobs, state, "run")
        again_floor = floor(n, root / "floor1", jobs)
        again_bare = floor(n, root / "bare1", jobs, bare=True)
    return {
        "first": first / first_floor,
        "first_bare": first / first_bare,
        "first_work": first / first_work,
        "first_s": first,
        "first_floor_s": first_floor,
        "again_floor_s": again_floor,
        "again": again / again_floor,
        "again_bare": again / again_bare,
        "again_s": again,
    }


def measure(n: int, repeat: int) -> None:
    """Print the median ratios over `repeat` repetitions and the peak RSS."""
    runs = [measure_once(n) for _ in range(repeat)]
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    best = {key: min(run[key] for run in runs) for key in ("first_s", "again_s")}
    floors = {key: min(run[key] for run in runs) for key in ("first_floor_s", "again_floor_s")}
    first_best = best["first_s"] / floors["first_floor_s"]
    again_best = best["again_s"] / floors["again_floor_s"]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    spread = ", ".join(f"{run['first']:.2f}/{run['again']:.2f}" for run in runs)
    print(
        f"N={n}: first pass {med['first_s']:.2f}s = {med['first']:.2f}x the floor "
        f"({med['first_bare']:.2f}x the bare floor, {med['first_work']:.2f}x a floor that also "
        f"creates work/<job>/); again {med['again_s']:.2f}s = "
        f"{med['again']:.2f}x ({med['again_bare']:.2f}x bare); medians of {repeat} "
        f"[{spread}]; best pass / best floor: first {first_best:.2f}x, again {again_best:.2f}x; "
        f"peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("n", type=int, nargs="*", default=[1000])
    arguments = parser.parse_args()
    for count in arguments.n:
        measure(count, arguments.repeat)
