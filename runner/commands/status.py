"""`jobrunner status [NAME]`: every job at a glance, or one job and why it is (not) due.

Reads the state without the lock (a monitoring user in the runner's group can run it) and
prints the state path it used.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from runner.clock import utcnow
from runner.commands.common import (
    age,
    load_for,
    read_state,
    refuse_unloadable,
    state_path,
    unknown_job_message,
)
from runner.daemonfile import instant, is_daemon_alive, read_daemon, read_pause, read_waiting
from runner.durations import format_duration
from runner.exitcodes import ExitCode
from runner.model import Definitions, JobDef
from runner.options import GlobalOptions
from runner.planner import Planner, Verdict
from runner.state import JobState, StateData
from runner.state.files import StatePaths
from runner.state.lock import holder_gone

NAME = "status"
HELP = "every job at a glance, or one job and why it is (not) due"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `status`."""
    parser.add_argument("name", metavar="NAME", nargs="?", help="show one job in detail")
    parser.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format (default table)"
    )


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Print the status table, one job's details, or JSON."""
    path, origin = state_path(options)
    data = read_state(path)
    loaded, _registry = load_for(options, data.last_clean_revision)
    definitions = loaded.definitions
    if definitions is None:
        code = refuse_unloadable(loaded)
        _print_daemon_keeps_running(path.parent)
        return code
    now = utcnow()
    timings = data.timings(definitions.jobs, now)
    planner = Planner(definitions.jobs, definitions.timeperiods, timings, now)
    names = sorted(definitions.jobs)
    if args.name is not None:
        if args.name not in definitions.jobs:
            print(unknown_job_message(args.name, definitions.jobs), file=sys.stderr)
            return int(ExitCode.USAGE)
        names = [args.name]
    gone = holder_gone(StatePaths(path).lock)
    rows = [
        _row(definitions.jobs[n], data, planner.verdict(n, now), definitions, now, runner_gone=gone)
        for n in names
    ]
    daemon = read_daemon(path.parent)
    alive = is_daemon_alive(daemon, now)
    if alive and daemon is not None:
        _mark_waiting(rows, daemon, now)
    pause = read_pause(path.parent)
    document = {
        "state_file": str(path),
        "state_origin": origin,
        "revision": loaded.running_revision,
        "degraded": loaded.is_degraded,
        "paused": None if pause is None else pause.to_document(),
        "daemon": _daemon_summary(daemon, alive),
        "jobs": rows,
    }
    if args.format == "json":
        print(json.dumps(document, indent=2))
    elif args.name is not None:
        _print_detail(rows[0], document)
    else:
        _print_table(rows, document, now)
    return int(ExitCode.OK)


def _print_daemon_keeps_running(state_dir: Path) -> None:
    """A live daemon keeps running the set it loaded before: say so, or the operator reads
    the refusal above as "no job runs"."""
    daemon = read_daemon(state_dir)
    if daemon is None or not is_daemon_alive(daemon, utcnow()) or not daemon.get("jobs"):
        return
    revision, jobs = daemon.get("loaded_revision"), daemon["jobs"]
    which = f"revision {str(revision)[:7]}" if revision else "the definitions it loaded before"
    print(
        f"jobrunner: the daemon (pid {daemon.get('pid')}, {daemon.get('state')}) keeps running"
        f" {which} ({jobs} job{'' if jobs == 1 else 's'}); `jobrunner history` shows their runs",
        file=sys.stderr,
    )


def _mark_waiting(rows: list[dict[str, Any]], daemon: dict[str, Any], now: datetime) -> None:
    """Due jobs the daemon reports waiting behind its running job say so in `why`."""
    waiting = {w.job: w for w in read_waiting(daemon)}
    for row in rows:
        if row["job"] in waiting:
            item = waiting[row["job"]]
            span = age(item.since, now).removesuffix(" ago") if item.since else "a while"
            row["waiting_behind"] = item.behind
            row["why"] = f"waiting behind {item.behind} for {span}"


def _daemon_summary(daemon: dict[str, Any] | None, alive: bool) -> dict[str, Any] | None:
    """What `status` shows of `daemon.json`: whether it runs, its state, revisions, errors."""
    if daemon is None:
        return None
    keys = ("pid", "state", "heartbeat", "loaded_revision", "newest_revision", "degraded")
    summary = {key: daemon.get(key) for key in keys}
    summary["alive"] = alive
    summary["reload_errors"] = len(daemon.get("reload_errors") or [])
    return summary


def _row(
    job: JobDef,
    data: StateData,
    verdict: Verdict,
    definitions: Definitions,
    now: datetime,
    *,
    runner_gone: bool,
) -> dict[str, Any]:
    state = data.job(job.name) or JobState()
    open_attempt = state.attempt is not None
    period = definitions.timeperiods.get(job.timeperiod) if job.timeperiod else None
    return {
        "job": job.name,
        "type": job.type,
        "enabled": not job.disabled,
        "interval": format_duration(job.interval),
        "timeperiod": job.timeperiod,
        "period_active": None if period is None else bool(period.is_active(now)),
        "due": verdict.due,
        "due_at": _iso(verdict.due_at),
        "why": _why(job, verdict, definitions, now),
        "last_result": state.last_result,
        "last_attempt": _iso(state.last_attempt),
        "last_success": _iso(state.last_success),
        "last_duration_s": state.last_duration_s,
        "last_exit_code": state.last_exit_code,
        "last_error": state.last_error,
        "runs": state.runs,
        "failures": state.failures,
        "consecutive_failures": state.consecutive_failures,
        "running": open_attempt and not runner_gone,
        # A run whose runner died: its next start kills what is left, records `interrupted`.
        "unfinished": open_attempt and runner_gone,
        "revision": state.revision,
    }


def _why(job: JobDef, verdict: Verdict, definitions: Definitions, now: datetime) -> str:
    """The verdict in words, with the next due time in the period's own zone."""
    if verdict.due:
        return f"due now ({verdict.reason})"
    if verdict.due_at is None:
        return (
            verdict.reason
            if verdict.reason == "disabled"
            else f"{verdict.reason}; not within 5 years"
        )
    zone = "UTC"
    if job.timeperiod and job.timeperiod in definitions.timeperiod_defs:
        zone = definitions.timeperiod_defs[job.timeperiod].timezone
    local = verdict.due_at.astimezone(ZoneInfo(zone))
    return f"{verdict.reason}; due {local:%a %Y-%m-%d %H:%M:%S %Z} ({age(verdict.due_at, now)})"


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="milliseconds")


def _print_table(rows: list[dict[str, Any]], document: dict[str, Any], now: datetime) -> None:
    header = ("JOB", "TYPE", "ENABLED", "PERIOD", "LAST RESULT", "DURATION", "NEXT DUE")
    lines = [header]
    for row in rows:
        period = (
            "-" if row["period_active"] is None else "open" if row["period_active"] else "closed"
        )
        last = row["last_result"] or "never ran"
        if (row["running"] or row["unfinished"]) and row["last_attempt"]:
            # last_attempt is the running attempt: its age is not the last result's.
            since = age(datetime.fromisoformat(row["last_attempt"]), now)
            last = f"running {since.removesuffix(' ago')}"
            if row["unfinished"]:
                last = f"unfinished, started {since} (runner gone)"
        elif row["last_attempt"]:
            last += f" {age(datetime.fromisoformat(row['last_attempt']), now)}"
        duration = "-" if row["last_duration_s"] is None else f"{row['last_duration_s']:.1f}s"
        due = (
            "now"
            if row["due"]
            else "-"
            if row["due_at"] is None
            else age(datetime.fromisoformat(row["due_at"]), now)
        )
        lines.append(
            (
                row["job"],
                row["type"],
                "yes" if row["enabled"] else "no",
                period,
                last,
                duration,
                due,
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )
    print(f"\nstate: {document['state_file']} ({document['state_origin']})")
    _print_daemon(document)
    if document["degraded"]:
        print(
            f"definitions do not load: running the last clean revision {document['revision'][:7]}"
        )


def _print_detail(row: dict[str, Any], document: dict[str, Any]) -> None:
    for key, value in row.items():
        if key == "unfinished" and not value:
            continue  # rare: shown only when a runner died during the run
        # A flag reads as the table says it ("yes"/"no"), not as Python's True/False.
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        if shown is not None:
            print(f"{key.replace('_', ' ')}: {shown}")
    print(f"state: {document['state_file']} ({document['state_origin']})")
    _print_daemon(document)


def _print_daemon(document: dict[str, Any]) -> None:
    paused = document["paused"]
    if paused:
        why = f": {paused['reason']}" if paused.get("reason") else ""
        print(f"PAUSED by {paused['by']} since {paused['at']}{why} (jobrunner resume)")
    daemon = document["daemon"]
    if daemon and daemon["alive"]:
        line = f"daemon: pid {daemon['pid']}, {daemon['state']}"
        if daemon["degraded"]:
            count = daemon["reload_errors"]
            line += (
                f"; running {str(daemon['loaded_revision'])[:7]} because the newest definitions"
                f" do not load ({count} error{'' if count == 1 else 's'})"
            )
        print(line)
    elif daemon:  # a daemon ran here: say that none runs now, or its absence goes unnoticed
        beat = instant(daemon["heartbeat"])
        seen = "" if beat is None else f", last heartbeat {age(beat, utcnow())}"
        if daemon["state"] == "stopped":
            print(f"daemon: stopped (pid {daemon['pid']}{seen})")
        else:
            print(
                f"daemon: not running (pid {daemon['pid']}{seen}; it did not stop cleanly:"
                " killed, crashed or hung; see its service's log)"
            )
