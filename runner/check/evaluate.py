"""`evaluate(input, limits, now) -> CheckResult`: the whole judgement of `jobrunner check`.

Pure: it reads no file, no process table and no clock, so it is tested on a fake clock.
The result's state is the worst problem's (OK without any); the summary names the first
problems, the long output lists each one.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from runner.check.host import (
    daemon_problems,
    definitions_problems,
    is_alive,
    live_waiting,
    pass_problems,
    pause_problem,
)
from runner.check.jobs import job_problems, wait_problem
from runner.check.model import CheckResult, Limits, Mode, Problem, span, unknown
from runner.check.perfdata import perfdata
from runner.check.view import CheckInput
from runner.exitcodes import CheckState
from runner.state import StatePaths

SUMMARY_PROBLEMS = 3
"""How many problems the status line names before `(+N more)`."""


def evaluate(data: CheckInput, limits: Limits, now: datetime) -> CheckResult:
    """Judge the jobs (all, or `limits.job`) and, without `--job`, the host at `now`."""
    if limits.job is not None and limits.job not in data.jobs:
        known = ", ".join(sorted(data.jobs)[:10]) or "none"
        return unknown(
            f"unknown job {limits.job!r}: no such job in the definitions (jobs: {known}"
            f"{', ...' if len(data.jobs) > 10 else ''}; `jobrunner status` lists them)"
        )
    problems = _job_problems(data, limits, now)
    notes: list[str] = []
    if limits.job is None:
        problems.extend(_host_problems(data, limits, now, notes))
    if data.pause is not None:
        problems = [_while_paused(p) for p in problems]
    problems.sort(key=lambda p: (-p.state, p.subject, p.what))
    state = max((p.state for p in problems), default=CheckState.OK)
    summary = _summary(problems) if problems else _ok_summary(data, limits, now)
    notes.append(f"state: {data.state_file}")
    return CheckResult(
        state, summary, tuple(problems), perfdata(data, limits, problems, now), tuple(notes)
    )


def _job_problems(data: CheckInput, limits: Limits, now: datetime) -> list[Problem]:
    names = [limits.job] if limits.job is not None else sorted(data.jobs)
    paths = StatePaths(data.state_file)
    found: list[Problem] = []
    for name in names:
        found.extend(
            job_problems(
                data.jobs[name],
                data.states.get(name),
                periods=data.periods,
                limits=limits,
                now=now,
                paths=paths,
            )
        )
    wanted = set(names)
    for item in live_waiting(data, limits, now):
        problem = wait_problem(item, limits, now) if item.job in wanted else None
        if problem is not None:
            found.append(problem)
    return found


def _host_problems(
    data: CheckInput, limits: Limits, now: datetime, notes: list[str]
) -> list[Problem]:
    found = pause_problem(data.pause)
    daemon_reports_revision = False
    if limits.mode is Mode.DAEMON:
        daemon = data.daemon
        found.extend(daemon_problems(daemon, data.state_dir / "daemon.json", now))
        daemon_reports_revision = (
            daemon is not None
            and is_alive(daemon, now)
            and (daemon.degraded or daemon.state == "invalid-definitions")
        )
    elif data.pause is None:
        found.extend(pass_problems(data, limits, now))
    else:
        notes.append("the pass age is not checked while paused (a paused `run` records none)")
    if not daemon_reports_revision:
        last_pass = data.last_pass if limits.mode is Mode.CRON else None
        found.extend(definitions_problems(data.definitions, data.jobs_dir, last_pass))
    return found


def _while_paused(problem: Problem) -> Problem:
    """Jobs fall behind while paused on purpose: overdue is a WARNING then, not CRITICAL."""
    if problem.what != "overdue" or problem.state != CheckState.CRITICAL:
        return problem
    return dataclasses.replace(
        problem, state=CheckState.WARNING, detail=f"{problem.detail}; job starts are paused"
    )


def _summary(problems: list[Problem]) -> str:
    counts = [
        f"{sum(1 for p in problems if p.state == level)} {level.name}"
        for level in (CheckState.CRITICAL, CheckState.WARNING)
        if any(p.state == level for p in problems)
    ]
    named = ", ".join(p.short for p in problems[:SUMMARY_PROBLEMS])
    more = (
        f" (+{len(problems) - SUMMARY_PROBLEMS} more)" if len(problems) > SUMMARY_PROBLEMS else ""
    )
    return f"{', '.join(counts)}: {named}{more}"


def _ok_summary(data: CheckInput, limits: Limits, now: datetime) -> str:
    if limits.job is not None:
        state = data.states.get(limits.job)
        if state is None or state.last_attempt is None:
            return f"{limits.job} OK: not run yet"
        return f"{limits.job} OK: last run {state.last_result} {span(now - state.last_attempt)} ago"
    jobs = sum(1 for job in data.jobs.values() if not job.disabled)
    daemon = data.daemon if limits.mode is Mode.DAEMON else None
    last_pass = data.last_pass if limits.mode is Mode.CRON else None
    revision = daemon.loaded_revision if daemon else last_pass.revision if last_pass else None
    at = f", revision {revision[:7]}" if revision else ""
    if daemon is not None:
        beat = span(now - daemon.heartbeat) if daemon.heartbeat else "?"
        return f"{jobs} jobs OK; daemon pid {daemon.pid} {daemon.state}, heartbeat {beat} ago{at}"
    if data.busy is not None:
        busy = data.busy
        return f"{jobs} jobs OK; a pass runs {busy.job} for {span(now - busy.started)}{at}"
    if last_pass is not None:
        return f"{jobs} jobs OK; last pass {span(now - last_pass.finished)} ago{at}"
    return f"{jobs} jobs OK{at}"
