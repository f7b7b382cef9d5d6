"""`jobrunner run --dry-run`: what a pass would run now, and why each other job would not."""

from __future__ import annotations

import argparse

from runner.clock import utcnow
from runner.commands.common import load_for, read_state, refuse_unloadable, state_path
from runner.exitcodes import ExitCode
from runner.options import GlobalOptions
from runner.planner import Planner


def dry_run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Print the jobs a pass would run, in order, and the verdict of every other job."""
    path, origin = state_path(options)
    data = read_state(path)
    loaded, _registry = load_for(options, data.last_clean_revision)
    if loaded.definitions is None:
        return refuse_unloadable(loaded)
    definitions = loaded.definitions
    now = utcnow()
    planner = Planner(
        definitions.jobs, definitions.timeperiods, data.timings(definitions.jobs, now), now
    )
    due = planner.due_jobs(now, args.slack)
    print(f"state: {path} ({origin})")
    if loaded.is_degraded and loaded.fallback:
        print(f"definitions do not load: would run the last clean revision {loaded.fallback[:7]}")
    print(f"would run {len(due)} job(s):" if due else "nothing is due")
    for index, item in enumerate(due, 1):
        verdict = planner.verdict(item.name, now)
        at = f"{item.due_at:%Y-%m-%d %H:%M:%S} UTC"
        if verdict.due:
            print(f"  {index}. {item.name}: due since {at} ({verdict.reason})")
        else:  # due only within the slack: its due time is still ahead
            print(f"  {index}. {item.name}: due at {at}, within the slack ({verdict.reason})")
    chosen = {item.name for item in due}
    for name in sorted(set(definitions.jobs) - chosen):
        verdict = planner.verdict(name, now)
        when = f", next {verdict.due_at:%Y-%m-%d %H:%M:%S} UTC" if verdict.due_at else ""
        print(f"  - {name}: not due ({verdict.reason}{when})")
    return int(ExitCode.OK)
