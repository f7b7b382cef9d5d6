"""The pure core of `jobrunner plan`: two sets of definitions, `now` and the recorded job
timings in, a `PlanDiff` out. No git, no clock, no printing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from runner.diagnostics import Diagnostic, errors, warnings
from runner.durations import format_duration
from runner.model import Defaults, Definitions, JobDef
from runner.plan.jobs import diff_jobs
from runner.plan.model import WINDOW_DAYS, FieldChange, JobSummary, PlanDiff, where
from runner.plan.periods import diff_periods
from runner.plan.starts import starting_jobs, timing_for
from runner.plan.words import schedule
from runner.planner import Evaluator, JobTiming


def _zone(defs: Definitions, job: JobDef) -> str:
    spec = defs.timeperiod_defs.get(job.timeperiod) if job.timeperiod else None
    return spec.timezone if spec else "UTC"


def _summary(
    defs: Definitions, job: JobDef, state: Mapping[str, JobTiming] | None, now: datetime
) -> JobSummary:
    file, line = where(job.source)
    if state is None:
        return JobSummary(job.name, file, line, schedule(job))
    verdict = Evaluator(defs.timeperiods).verdict(job, timing_for(job, state, now), now)
    return JobSummary(job.name, file, line, schedule(job), verdict.due_at, _zone(defs, job))


def _duration(value: timedelta | None) -> str | None:
    return None if value is None else format_duration(value)


def defaults_changes(old: Defaults, new: Defaults) -> list[FieldChange]:
    """The differences of the tree-wide Defaults that change schedules or runs, in words."""
    found = []
    if old.timezone != new.timezone:
        text = f"default timezone {old.timezone or 'unset'} -> {new.timezone or 'unset'}"
        found.append(FieldChange("timezone", old.timezone, new.timezone, text))
    a, b = _duration(old.timeout), _duration(new.timeout)
    if a != b:
        text = f"default timeout {a or '1h'} -> {b or '1h'}"
        found.append(FieldChange("timeout", a, b, text))
    if old.history != new.history:
        a, b = str(old.history), str(new.history)
        found.append(FieldChange("history", a, b, f"runs kept per job {a} -> {b}"))
    for name in ("on_failure", "on_recovery"):
        hook_a, hook_b = getattr(old, name), getattr(new, name)
        if hook_a != hook_b:
            after = " ".join(hook_b.argv) if hook_b else None
            text = f"default {name} removed" if after is None else f"default {name} runs {after}"
            found.append(FieldChange(name, None, after, text))
    return found


def compute_plan(
    base: Definitions,
    head: Definitions,
    head_diagnostics: Sequence[Diagnostic],
    *,
    now: datetime,
    state: Mapping[str, JobTiming] | None = None,
    base_errors: int = 0,
    days: int = WINDOW_DAYS,
) -> PlanDiff:
    """What changes when `head` replaces `base` at `now`.

    `state` maps job names to their recorded timings (None: no state, every job counts as
    never run). `head_diagnostics` are the head revision's findings; its errors are listed
    (and make `plan` exit 1), while the diff compares what did load.
    """
    jobs = diff_jobs(base.jobs, head.jobs)
    timings = state or {}
    added, removed, changed = diff_periods(base, head, now, days)
    # A definition in a file with errors at the head did not load: not "removed", unknown.
    broken = {d.file for d in errors(head_diagnostics) if d.file}
    gone = [_summary(base, base.jobs[n], None, now) for n in jobs.removed]
    return PlanDiff(
        now=now,
        window_days=days,
        added=[_summary(head, head.jobs[n], timings, now) for n in jobs.added],
        removed=[j for j in gone if j.file not in broken],
        not_compared=[j for j in gone if j.file in broken],
        periods_not_compared=[p for p in removed if p.file in broken],
        renamed=jobs.renamed,
        changed=jobs.changed,
        periods_added=added,
        periods_removed=[p for p in removed if p.file not in broken],
        periods_changed=changed,
        defaults=defaults_changes(base.defaults, head.defaults),
        starting=starting_jobs(
            base, head, jobs, timings, now=now, periods_changed=frozenset(c.name for c in changed)
        ),
        errors=errors(head_diagnostics),
        warnings=warnings(head_diagnostics),
        base_errors=base_errors,
    )
