"""The performance data of `jobrunner check`, with units and thresholds where they apply.

Without `--job`: `jobs`, `failed`, `interrupted`, `overdue`, `waiting` (counts),
`oldest_wait` (s, warning at --warn-wait), and `heartbeat_age` (s, critical at 180) in mode
daemon or `pass_age` (s, critical at --max-pass-age) in mode cron. With `--job`:
`consecutive_failures` (warning and critical at the --warn/--crit-failures), `duration` (s,
of the last run), `wait` (s) and `overdue` (0 or 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from runner.check.host import live_waiting
from runner.check.model import Limits, Mode, Perf, Problem, seconds
from runner.check.view import CheckInput
from runner.daemonfile import STALE_HEARTBEAT_S, Waiting


def perfdata(
    data: CheckInput, limits: Limits, problems: Sequence[Problem], now: datetime
) -> tuple[Perf, ...]:
    """The perfdata items for a check's result."""
    waits = [w for w in live_waiting(data, limits, now) if w.since is not None]
    if limits.job is not None:
        return _job_perfdata(data, limits, problems, waits, now)
    oldest = max((seconds(now - w.since) for w in waits if w.since), default=0)
    items = [
        Perf("jobs", sum(1 for job in data.jobs.values() if not job.disabled)),
        Perf("failed", _count(problems, "failed", "timed out")),
        Perf("interrupted", _count(problems, "interrupted")),
        Perf("overdue", _count(problems, "overdue")),
        Perf("waiting", len(waits)),
        Perf("oldest_wait", oldest, "s", warn=str(seconds(limits.warn_wait))),
    ]
    if limits.mode is Mode.DAEMON and data.daemon is not None and data.daemon.heartbeat:
        age = seconds(now - data.daemon.heartbeat)
        items.append(Perf("heartbeat_age", age, "s", crit=str(STALE_HEARTBEAT_S)))
    if limits.mode is Mode.CRON and data.last_pass is not None:
        age = seconds(now - data.last_pass.finished)
        items.append(Perf("pass_age", age, "s", crit=str(seconds(limits.max_pass_age))))
    return tuple(items)


def _job_perfdata(
    data: CheckInput,
    limits: Limits,
    problems: Sequence[Problem],
    waits: list[Waiting],
    now: datetime,
) -> tuple[Perf, ...]:
    assert limits.job is not None
    state = data.states.get(limits.job)
    wait = max(
        (seconds(now - w.since) for w in waits if w.job == limits.job and w.since), default=0
    )
    items = [
        Perf(
            "consecutive_failures",
            state.consecutive_failures if state else 0,
            warn=str(limits.warn_failures - 1),
            crit=str(limits.crit_failures - 1),
        ),
        Perf("wait", wait, "s", warn=str(seconds(limits.warn_wait))),
        Perf("overdue", _count(problems, "overdue")),
    ]
    if state is not None and state.last_duration_s is not None:
        items.insert(1, Perf("duration", float(state.last_duration_s), "s"))
    return tuple(items)


def _count(problems: Sequence[Problem], *whats: str) -> int:
    return sum(1 for p in problems if p.what in whats)
