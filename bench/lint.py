"""Benchmark: `jobrunner lint` against `check-jsonschema` on the same 2,000 job files.

Both tools validate the same files against the same schema (schemas/job.schema.json), measured
in the same run, best of several rounds each, interleaved. jobrunner does more (positions,
cross-file checks, settings schemas, durations); the target is at most 0.75x the time of
check-jsonschema. Usage: `.venv/bin/python bench/lint.py [--files N] [--rounds N]`.

`--worst` measures instead the worst single file the loader accepts: just under 1 MiB, 1,000
documents, a wrong duration in every one, so that every document needs a position; printed
in seconds (issue 8: under a second) and as a ratio to the same file without the errors.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "job.schema.json"
JOB = """\
# yaml-language-server: $schema=job.schema.json
kind: Job
name: job-{n:05d}
description: Generated job number {n} for the lint benchmark
type: command
interval: {interval}
timeout: 10m
disabled: false
renamed_from: [old-job-{n:05d}]
settings:
  argv: [/usr/bin/env, echo, "job {n}"]
  cwd: /tmp
  env:
    LANG: C.UTF-8
    TOKEN: "${{TOKEN_{n}}}"
  success_exit_codes: [0, 3]
"""


def generate(directory: Path, count: int) -> list[Path]:
    """Write `count` job files into `directory`; return their paths."""
    paths = []
    for n in range(count):
        path = directory / f"job-{n:05d}.yaml"
        path.write_text(JOB.format(n=n, interval=("15m", "1h", "1h30m", "90")[n % 4]))
        paths.append(path)
    return paths


def tool(name: str) -> str:
    """The executable next to this Python (the venv), else on PATH; exit with a hint if absent."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed; run: {sys.executable} -m pip install -e '.[bench]'")
    return found


def timed(argv: list[str], expect: int) -> float:
    """Wall time of one run; the exit code must be `expect`."""
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        sys.exit(f"{argv[0]} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    """Generate, measure both tools, print the times and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worst", action="store_true", help="the worst-file figure instead")
    args = parser.parse_args()
    if args.worst:
        worst(args.rounds)
        return
    jobrunner, checker = tool("jobrunner"), tool("check-jsonschema")
    with tempfile.TemporaryDirectory(prefix="jobrunner-bench-") as tmp:
        directory = Path(tmp) / "jobs.d"
        directory.mkdir()
        paths = [str(p) for p in generate(directory, args.files)]
        ours = [jobrunner, "--timezone", "UTC", "lint", str(directory), "--format", "json"]
        theirs = [checker, "--schemafile", str(SCHEMA), *paths]
        timed(ours, 0)  # warm the page cache and byte-code for both
        timed(theirs, 0)
        best_ours = best_theirs = float("inf")
        for _ in range(args.rounds):
            best_ours = min(best_ours, timed(ours, 0))
            best_theirs = min(best_theirs, timed(theirs, 0))
    per = 1000 / args.files
    print(f"files: {args.files}, best of {args.rounds}")
    print(f"jobrunner lint:   {best_ours:.3f} s ({best_ours * per:.3f} ms/file)")
    print(f"check-jsonschema: {best_theirs:.3f} s ({best_theirs * per:.3f} ms/file)")
    print(f"ratio jobrunner/check-jsonschema: {best_ours / best_theirs:.2f}x (target <= 0.75x)")


WORST_DOC = (
    "kind: Job\nname: j{i}\ntype: command\ninterval: {interval}\nsettings:\n  argv: [x]\n"
    "  env:\n" + "".join(f'    V{k}: "value {k} of job {{i}}"\n' for k in range(30))
)


def worst(rounds: int) -> None:
    """In-process load of the worst file, with and without an error in each document."""
    from runner.definitions import load_definitions
    from runner.jobtypes import default_registry

    registry = default_registry(with_plugins=False)
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="jobrunner-bench-") as tmp:
        for interval in ("1h", "soon"):
            text = "---\n".join(WORST_DOC.format(i=i, interval=interval) for i in range(1000))
            (Path(tmp) / "big.yaml").write_text(text[: text.rindex("---\n", 0, 1 << 20)])
            for _ in range(rounds):
                start = time.perf_counter()
                load_definitions(Path(tmp), timezone="UTC", registry=registry)
                took = time.perf_counter() - start
                best[interval] = min(best.get(interval, float("inf")), took)
    print(f"worst file (about 1 MiB, 1,000 documents), best of {rounds}:")
    print(f"  valid: {best['1h']:.3f} s; an error in every document: {best['soon']:.3f} s")
    print(f"  ratio: {best['soon'] / best['1h']:.2f}x (target: under 1 s with the errors)")


if __name__ == "__main__":
    main()
