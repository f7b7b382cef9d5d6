"""`jobrunner history [NAME]`: recent runs from `runs/`, and one run's output with --output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from runner.commands.common import state_path
from runner.exitcodes import ExitCode
from runner.options import GlobalOptions
from runner.state import StatePaths, list_runs, read_run_output, read_run_summary

NAME = "history"
HELP = "recent runs with their results; --output RUN prints one run's output"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `history`."""
    parser.add_argument("name", metavar="NAME", nargs="?", help="only this job")
    parser.add_argument(
        "--output", metavar="RUN", help="print the output of this run (its id, file name or path)"
    )
    parser.add_argument(
        "--limit", type=_count, default=20, metavar="N", help="runs to show (default 20)"
    )
    parser.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format (default table)"
    )


def _count(text: str) -> int:
    """argparse type for `--limit`: a whole number of runs, at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of runs; use 1 or more")
    return int(text)


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """List runs, newest first, or print one run's output."""
    path, _origin = state_path(options)
    paths = StatePaths(path)
    jobs = [args.name] if args.name else _job_names(paths)
    if args.output:
        return _print_output(paths, jobs, args.output)
    runs = sorted(
        (_summary(run_file, job) for job in jobs for run_file in list_runs(paths, job)),
        key=lambda r: r["run_id"],
        reverse=True,
    )[: max(args.limit, 0)]
    if args.format == "json":
        print(json.dumps(runs, indent=2))
        return int(ExitCode.OK)
    if not runs:
        which = f" of job {args.name!r}" if args.name else ""
        print(f"no runs{which} recorded under {paths.runs}")
        return int(ExitCode.OK)
    for item in runs:
        code = "-" if item.get("exit_code") is None else item["exit_code"]
        duration = item.get("duration_s")
        took = "-" if duration is None else f"{duration:.1f}s"
        error = f"  {item['error']}" if item.get("error") else ""
        result = item.get("result", "?")
        print(f"{item['run_id']}  {item['job']:<24} {result:<11} exit {code!s:<4} {took:>8}{error}")
    return int(ExitCode.OK)


def _job_names(paths: StatePaths) -> list[str]:
    try:
        return sorted(p.name for p in paths.runs.iterdir() if p.is_dir())
    except FileNotFoundError:
        return []


def _summary(run_file: Path, job: str) -> dict[str, Any]:
    """The run's summary (written by the dispatcher), or what the file name tells."""
    summary: dict[str, Any] = {"job": job, "run_id": run_file.name.removesuffix(".log")}
    recorded = read_run_summary(run_file)
    if recorded is None:
        summary["result"] = "?"
    else:
        summary.update(recorded)
    summary["output"] = str(run_file)
    return summary


def _print_output(paths: StatePaths, jobs: list[str], run: str) -> int:
    # the run id, its file's name as `history` and the log show it, or the file's full path
    run_id = Path(run).name.removesuffix(".log")
    for job in jobs:
        for run_file in list_runs(paths, job):
            if run_file.name.removesuffix(".log") == run_id:
                sys.stdout.buffer.write(read_run_output(run_file))
                return int(ExitCode.OK)
    print(f"jobrunner: no run {run!r}; `jobrunner history` lists the run ids", file=sys.stderr)
    return int(ExitCode.USAGE)
