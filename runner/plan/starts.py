"""The jobs that start right after the merge: new jobs, jobs renamed without `renamed_from`
(their state does not move, so they count as never run) and jobs the change makes due.

Due-ness is the planner's (`Evaluator.verdict`) at `now`, with the recorded state when there
is one; without a state every job counts as never run (first seen `now`), as on a new host.
A job due under both revisions is not listed: the change does not make it start.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from runner.model import Definitions, JobDef
from runner.plan.jobs import JobDiff
from runner.plan.model import Start
from runner.planner import Evaluator, JobTiming


def timing_for(job: JobDef, state: Mapping[str, JobTiming], now: datetime) -> JobTiming:
    """The state `run` would use for `job`: its own, else a `renamed_from` name's, else
    never run (first seen `now`)."""
    if job.name in state:
        return state[job.name]
    for old in job.renamed_from:
        if old in state:
            return state[old]
    return JobTiming(first_seen=now)


def starting_jobs(
    base: Definitions,
    head: Definitions,
    jobs: JobDiff,
    state: Mapping[str, JobTiming],
    *,
    now: datetime,
    periods_changed: frozenset[str] = frozenset(),
) -> list[Start]:
    """Head jobs due at `now` that were not due under `base`, earliest due time first."""
    before, after = Evaluator(base.timeperiods), Evaluator(head.timeperiods)
    old_names = {r.new: r.old for r in jobs.renamed}
    implicit = {r.new for r in jobs.renamed if not r.explicit}
    words = {c.name: c.changes for c in jobs.changed}
    words.update({r.new: r.changes for r in jobs.renamed})
    starts = []
    for name, job in head.jobs.items():
        verdict = after.verdict(job, timing_for(job, state, now), now)
        if not verdict.due or verdict.due_at is None:
            continue
        if name in implicit:
            reason, why = "renamed without renamed_from", f"was {old_names[name]}; starts as new"
        elif name in jobs.added:
            reason = "new"
            why = verdict.reason if name in state else "never ran"
        else:
            old = base.jobs[old_names.get(name, name)]
            if before.verdict(old, timing_for(old, state, now), now).due:
                continue
            reason = "newly due"
            why = "; ".join(c.text for c in words.get(name, ()))
            if not why and job.timeperiod in periods_changed:
                why = f"time period {job.timeperiod} changed ({verdict.reason})"
            why = why or verdict.reason
        starts.append(Start(name, reason, why, verdict.due_at))
    return sorted(starts, key=lambda s: (s.due_at, s.name))
