"""Soak: the daemon for a fixed wall time under a stream of jobs and definition commits.

    python bench/soak.py [--minutes 10] [--jobs 200] [--change-every 3] [--seed 1]

Starts `jobrunner run --forever` (the real CLI) on a git repository with `--jobs` jobs of
random durations (0-2 s), intervals (5-60 s) and failure rates (0-50 %), while a second
process commits a definition change every few seconds: an interval changed, a job added or
removed, and about one change in five invalid (fixed by the next commit). At the end it
stops the daemon with SIGTERM and checks:
- every run is recorded exactly once: per job, the state's `runs` equals the output files
  that carry a summary line, and no run id is logged as finished twice;
- no file descriptor leaked (/proc/PID/fd at start and end) and how much RSS grew;
- no valid change was missed: daemon.json's `loaded_revision` is the last valid commit, and
  every valid commit was loaded or superseded by a later one before the next reload.
Exits 1 when a check fails. Figures are printed as rates and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from runner.definitions import load_definitions  # noqa: E402
from runner.state import load_state, read_run_summary  # noqa: E402
from tests.gitrepo import GitRepo  # noqa: E402

JOB = """kind: Job
name: {name}
type: command
interval: {interval}s
timeout: 1m
settings:
  shell: "n=$(od -An -N1 -tu1 /dev/urandom); sleep {seconds}; [ $n -ge {threshold} ]"
"""
DEFAULTS = "kind: Defaults\ntimezone: UTC\nhistory: 10000\n"
BROKEN = "kind: Job\nname: broken\ntype: command\ninterval: soon\n"


def job_text(rng: random.Random, name: str) -> str:
    """A job of random duration, interval and failure rate."""
    return JOB.format(
        name=name,
        interval=rng.randint(5, 60),
        seconds=round(rng.uniform(0.0, 2.0), 2),
        threshold=int(rng.uniform(0.0, 0.5) * 256),
    )


def set_up(repo: GitRepo, jobs: int, rng: random.Random) -> None:
    """The first commit: Defaults plus `jobs` jobs."""
    repo.write("jobs/defaults.yaml", DEFAULTS)
    for n in range(jobs):
        repo.write(f"jobs/j{n:03}.yaml", job_text(rng, f"j{n:03}"))
    repo.commit("soak: initial jobs")
    loaded = load_definitions(repo.path / "jobs", timezone="UTC")
    if not loaded.ok:
        raise SystemExit(f"soak: the initial definitions do not load: {loaded.diagnostics[:3]}")


def change(repo: GitRepo, rng: random.Random, broken: bool, serial: int) -> tuple[str, bool]:
    """Commit one change; returns (commit, whether the tree loads cleanly)."""
    jobs_dir = repo.path / "jobs"
    if broken:
        (jobs_dir / "broken.yaml").unlink(missing_ok=True)
        what = "fix the broken file"
    else:
        names = sorted(p.stem for p in jobs_dir.glob("j*.yaml"))
        action = rng.choice(["interval", "interval", "add", "remove", "invalid"])
        if action == "invalid":
            repo.write("jobs/broken.yaml", BROKEN)
        elif action == "add":
            repo.write(f"jobs/n{serial:04}.yaml", job_text(rng, f"n{serial:04}"))
        elif action == "remove" and len(names) > 1:
            (jobs_dir / f"{rng.choice(names)}.yaml").unlink()
        else:
            name = rng.choice(names)
            repo.write(f"jobs/{name}.yaml", job_text(rng, name))
        what = action
    commit = repo.commit(f"soak change {serial}: {what}")
    valid = load_definitions(jobs_dir, timezone="UTC").ok
    return commit, valid


def changer(repo_path: Path, every: float, until: float, seed: int, log: Path) -> None:
    """The second process: commit changes until `until` (monotonic), one JSON line each."""
    repo, rng = GitRepo(repo_path), random.Random(seed + 1)  # `git init` again is harmless
    broken, serial = False, 0
    with log.open("a") as out:
        while time.monotonic() < until or broken:
            time.sleep(rng.uniform(0.5 * every, 1.5 * every))
            serial += 1
            commit, valid = change(repo, rng, broken, serial)
            broken = not valid
            out.write(json.dumps({"commit": commit, "valid": valid, "t": time.time()}) + "\n")
            out.flush()


def fd_count(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())


def rss_mib(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Log:
    """The daemon's JSON log lines, read as they come."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc, self.lines, self._buffer = proc, [], b""

    def pump(self, timeout: float) -> None:
        assert self.proc.stderr is not None
        ready, _, _ = select.select([self.proc.stderr], [], [], timeout)
        if ready:
            chunk = os.read(self.proc.stderr.fileno(), 1 << 16)
            self._buffer += chunk
            *complete, self._buffer = self._buffer.split(b"\n")
            self.lines.extend(json.loads(line) for line in complete if line.strip())

    def events(self, name: str) -> list[dict]:  # type: ignore[type-arg]
        return [line for line in self.lines if line.get("event") == name]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--change-every", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--changer", nargs=3, metavar=("REPO", "UNTIL_S", "LOG"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.changer:
        repo, until, log = args.changer
        changer(
            Path(repo), args.change_every, time.monotonic() + float(until), args.seed, Path(log)
        )
        return 0
    return soak(args)


def soak(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="jobrunner-soak-"))
    repo, rng = GitRepo(work / "repo"), random.Random(args.seed)
    set_up(repo, args.jobs, rng)
    state, changes = work / "state" / "state.json", work / "changes.jsonl"
    env = {**os.environ, "JOBRUNNER_STATE_FILE": str(state), "TZ": "UTC"}
    for key in [k for k in env if k.startswith("JOBRUNNER_") and k != "JOBRUNNER_STATE_FILE"]:
        del env[key]
    _cli(env, "pause", "--reason", "soak: measuring the idle daemon")
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "--jobs-dir", str(repo.path / "jobs"), "--log-format",
         "json", "run", "--forever"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=work,
    )  # fmt: skip
    log = Log(proc)
    _idle(log, state)  # started paused: fds and RSS of the idle daemon with the set loaded
    fd_start, rss_start = fd_count(proc.pid), rss_mib(proc.pid)
    _cli(env, "resume")
    started = time.monotonic()
    wall = args.minutes * 60
    changer_proc = subprocess.Popen(
        [sys.executable, __file__, "--seed", str(args.seed), "--change-every",
         str(args.change_every), "--changer", str(repo.path), str(wall - 5), str(changes)],
        cwd=work, env={**env, **_git_env()},
    )  # fmt: skip
    rss_max = fd_max = 0.0
    while time.monotonic() - started < wall or changer_proc.poll() is None:
        log.pump(0.5)
        rss_max, fd_max = max(rss_max, rss_mib(proc.pid)), max(fd_max, fd_count(proc.pid))
    elapsed = time.monotonic() - started
    settled = _settle(log, proc, state, changes)
    _cli(env, "pause", "--reason", "soak: measuring the idle daemon")
    _idle(log, state)
    fd_end, rss_end = fd_count(proc.pid), rss_mib(proc.pid)
    proc.send_signal(signal.SIGTERM)
    while proc.poll() is None:
        log.pump(0.5)
    log.pump(0.1)
    return report(args, work, log, state, changes, elapsed, settled,
                  (fd_start, fd_end, fd_max), (rss_start, rss_end, rss_max))  # fmt: skip


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "runner", *args], env=env, check=True, capture_output=True
    )


def _idle(log: Log, state: Path) -> None:
    """Wait until daemon.json says paused with no job running."""
    while True:
        log.pump(0.2)
        try:
            daemon = json.loads((state.parent / "daemon.json").read_text())
        except (OSError, ValueError):
            continue
        if daemon.get("state") == "paused" and daemon.get("current_job") is None:
            return


def _git_env() -> dict[str, str]:
    from tests.gitrepo import GIT_ENV

    return dict(GIT_ENV)


def _settle(log: Log, proc: subprocess.Popen[bytes], state: Path, changes: Path) -> bool:
    """Wait (up to 60 s) until daemon.json shows the last valid commit loaded."""
    last_valid = [c["commit"] for c in _changes(changes) if c["valid"]][-1:]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.pump(0.2)
        daemon = json.loads((state.parent / "daemon.json").read_text())
        if not last_valid or daemon.get("loaded_revision") == last_valid[0]:
            return True
    return False


def _changes(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def report(args, work, log, state, changes, elapsed, settled, fds, rss) -> int:  # type: ignore[no-untyped-def]
    data, warnings = load_state(state)
    summaries: Counter[str] = Counter()
    for output in (state.parent / "runs").glob("*/*"):
        summary = read_run_summary(output)
        if summary is not None:
            summaries[summary["job"]] += 1
    finished = log.events("job.finished")
    run_ids = Counter(line["run_id"] for line in finished)
    recorded = {name: record.get("runs", 0) for name, record in data.jobs.items()}
    mismatched = {n: (recorded.get(n, 0), summaries[n]) for n in set(recorded) | set(summaries)
                  if recorded.get(n, 0) != summaries[n]}  # fmt: skip
    twice = [r for r, n in run_ids.items() if n > 1]
    commits = _changes(changes)
    valid = [c["commit"] for c in commits if c["valid"]]
    daemon = json.loads((state.parent / "daemon.json").read_text())
    loaded = {line.get("revision_after") for line in log.events("definitions.reloaded")}
    individually = sum(1 for c in valid if c[:7] in {str(r)[:7] for r in loaded if r})
    results = Counter(line["result"] for line in finished)
    minutes = elapsed / 60
    print(f"soak: {args.jobs} jobs, {minutes:.1f} min, state in {work}")
    print(f"runs: {len(finished)} ({len(finished) / minutes:.0f}/min), results {dict(results)}, "
          f"failure ratio {results['failure'] / max(1, len(finished)):.2f}")  # fmt: skip
    once = not mismatched and not twice
    print(f"recorded exactly once: {once} (state runs {sum(recorded.values())} vs summary "
          f"lines {sum(summaries.values())}; mismatched jobs {len(mismatched)}, "
          f"run ids logged twice {len(twice)}, reader warnings {len(warnings)})")  # fmt: skip
    print(f"commits: {len(commits)} ({len(valid)} valid, {len(commits) - len(valid)} invalid); "
          f"reloads {daemon['reloads']}, refused {daemon['reload_failures']}, valid commits "
          f"loaded individually {individually}/{len(valid)} (the rest superseded)")  # fmt: skip
    last = valid[-1] if valid else None
    print(f"last valid commit loaded: {settled} (daemon.json {str(daemon['loaded_revision'])[:7]}, "
          f"last valid {str(last)[:7]}, degraded {daemon['degraded']})")  # fmt: skip
    print(f"fds: start {fds[0]}, end {fds[1]}, max {fds[2]:.0f}")
    print(
        f"rss MiB: start {rss[0]:.1f}, end {rss[1]:.1f} ({rss[1] / rss[0]:.2f}x), max {rss[2]:.1f}"
    )
    ok = settled and not mismatched and not twice and not warnings and fds[1] <= fds[0]
    print("soak: OK" if ok else f"soak: FAILED {sorted(mismatched.items())[:5]} {twice[:5]}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
