"""Problems of single jobs: the last run failed, timed out or was interrupted; the job is
overdue; it waits behind the daemon's running job.

Overdue: a job is due from the instant the planner says it became due (after its last
attempt, or since it was first seen); it is overdue once it has been due for longer than
max(interval, grace) of time in which its period was active. Time while the period is
closed does not count, so a business-hours job is not late on Monday at 09:05 because the
weekend passed. A `once_per_window` job is also overdue as soon as the active stretch in
which it was due closes without an attempt (it missed its window).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from runner.check.activetime import active_crossing, active_time
from runner.check.model import INTERRUPTIONS_CRITICAL, Limits, Problem, moment, span
from runner.daemonfile import Waiting
from runner.exitcodes import CheckState
from runner.model import JobDef
from runner.planner import Evaluator, JobTiming, Period
from runner.state import JobState, StatePaths, output_path

FAILED_RESULTS = ("failure", "timeout")


@dataclass(frozen=True, slots=True)
class Overdue:
    """A job that is overdue: since when it is due, and since when that is too long."""

    due_since: datetime
    overdue_since: datetime


def overdue(
    job: JobDef, timing: JobTiming, periods: Mapping[str, Period], limits: Limits, now: datetime
) -> Overdue | None:
    """Whether `job` is overdue at `now` (see the module docstring), and since when."""
    period = _period(job, periods)
    if job.disabled or (job.timeperiod and period is None):
        return None
    base = timing.last_attempt or timing.first_seen
    due = Evaluator(periods).verdict(job, timing, base).due_at
    if due is None or due >= now:
        return None
    limit = max(job.interval, limits.grace)
    if period is None:
        crossed: datetime | None = due + limit
    elif job.once_per_window and timing.consecutive_interruptions == 0:
        crossed = _window_crossing(period, due, limit)
    else:
        crossed = active_crossing(period, due, limit, now)
    if crossed is None or crossed >= now:
        return None
    return Overdue(due.astimezone(UTC), crossed.astimezone(UTC))


def _period(job: JobDef, periods: Mapping[str, Period]) -> Period | None:
    return periods.get(job.timeperiod) if job.timeperiod else None


def _window_crossing(period: Period, due: datetime, limit: timedelta) -> datetime:
    """A window job is late after `limit` inside its window, or when the window closes."""
    late = due + limit
    close = period.next_change(due)
    return late if close is None or close.astimezone(UTC) > late else close.astimezone(UTC)


def job_problems(
    job: JobDef,
    state: JobState | None,
    *,
    periods: Mapping[str, Period],
    limits: Limits,
    now: datetime,
    paths: StatePaths,
) -> list[Problem]:
    """Everything wrong with one job at `now`, worst first."""
    if job.disabled or state is None:
        return []
    output = str(output_path(paths, job.name, state.last_run_id)) if state.last_run_id else None
    last = _last_result(job, state, limits, now, output)
    found = [] if last is None else [last]
    # A job that runs right now is not late: its start is the attempt (a runner that died
    # mid-job leaves the attempt open, and the daemon or pass checks report that).
    late = (
        None if state.attempt is not None else overdue(job, state.timing(now), periods, limits, now)
    )
    if late is not None:
        found.append(_overdue_problem(job, late, periods, limits, now))
    return found


def _last_result(
    job: JobDef, state: JobState, limits: Limits, now: datetime, output: str | None
) -> Problem | None:
    result = state.last_result
    when = state.last_finished or state.last_attempt
    at = f"at {moment(when, now)}"
    code = "no exit code" if state.last_exit_code is None else f"exit {state.last_exit_code}"
    if result in FAILED_RESULTS:
        count = state.consecutive_failures
        if count >= limits.crit_failures:
            level = CheckState.CRITICAL
        elif count >= limits.warn_failures:
            level = CheckState.WARNING
        else:
            return None
        what = "failed" if result == "failure" else "timed out"
        detail = f"last run {what} {at} ({code}; {count} in a row)"
        return Problem(level, job.name, what, detail, when, state.last_error, output)
    if result == "interrupted":
        count = state.consecutive_interruptions
        level = CheckState.CRITICAL if count >= INTERRUPTIONS_CRITICAL else CheckState.WARNING
        detail = (
            f"last run was interrupted {at} ({count} in a row; the runner stopped or died "
            "while it ran; it is retried with a back-off)"
        )
        return Problem(level, job.name, "interrupted", detail, when, state.last_error, output)
    return None


def _overdue_problem(
    job: JobDef, late: Overdue, periods: Mapping[str, Period], limits: Limits, now: datetime
) -> Problem:
    limit = max(job.interval, limits.grace)
    period = _period(job, periods)
    how = ""
    if period is not None:
        active = active_time(period, late.due_since, now)
        how = f", {span(active)} of it in active {job.timeperiod} time"
    detail = (
        f"due since {moment(late.due_since, now)}{how}; overdue since "
        f"{moment(late.overdue_since, now)} (limit max(interval, --grace) = {span(limit)})"
    )
    if job.once_per_window and period is not None and late.overdue_since - late.due_since < limit:
        detail += f"; its window of {job.timeperiod} closed without a run"
    return Problem(CheckState.CRITICAL, job.name, "overdue", detail, late.overdue_since)


def wait_problem(item: Waiting, limits: Limits, now: datetime) -> Problem | None:
    """A WARNING when `item` has waited behind the running job for longer than --warn-wait."""
    if item.since is None or now - item.since <= limits.warn_wait:
        return None
    detail = (
        f"due since {moment(item.since, now)}, waiting behind {item.behind} for "
        f"{span(now - item.since)} (--warn-wait {span(limits.warn_wait)})"
    )
    return Problem(CheckState.WARNING, item.job, f"waits behind {item.behind}", detail, item.since)
