"""The planner: which jobs are due, in which order, and when the next one becomes due.

Pure: it takes `now` as an argument and never reads the clock (SPEC §3 is the contract).

- A job is due at t when it is not disabled, its time period (if any) is active at t, and it
  was never attempted or its last attempt started at or before t - interval.
- With `once_per_window`, a job is due while its period is active and no attempt started in
  the current active stretch; `interval` is then only a minimum gap between attempts.
- A job's due time is the instant it became due: the later of last attempt + interval (for a
  job never attempted: the moment the runner first saw it) and the opening of the period's
  current stretch. The earliest due time runs first; ties go by name.
- Missed runs are not replayed: an overdue job is due once.
- After n consecutive interruptions a job is due again after min(interval, 5 min x 2^(n-1)).

Due times live in a heap with lazy invalidation, so one planning turn costs O(log n) period
evaluations, not one per job, even with 10,000 jobs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from runner.durations import format_duration
from runner.model import JobDef

EPSILON = timedelta(microseconds=1)
BACKOFF_BASE = timedelta(minutes=5)
MAX_SLACK = timedelta(seconds=60)


class Period(Protocol):
    """What the planner needs of a time period (runner.timeperiods.TimePeriod has it)."""

    def is_active(self, at: datetime) -> bool:
        """Whether `at` lies inside the period."""
        ...

    def segments(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The period's active intervals clipped to [start, end)."""
        ...

    def next_change(self, after: datetime) -> datetime | None:
        """The first instant > after where `is_active` flips, or None within 5 years."""
        ...


@dataclass(frozen=True, slots=True)
class JobTiming:
    """The part of a job's recorded state that scheduling depends on."""

    first_seen: datetime
    last_attempt: datetime | None = None
    consecutive_interruptions: int = 0


def backoff_interval(interval: timedelta, interruptions: int) -> timedelta:
    """The effective interval after `interruptions` consecutive interruptions (SPEC §3)."""
    if interruptions <= 0:
        return interval
    return min(interval, BACKOFF_BASE * (1 << min(interruptions - 1, 30)))


def default_slack(interval: timedelta) -> timedelta:
    """`run`'s default slack for a job: min(interval / 20, 60 s)."""
    return min(interval / 20, MAX_SLACK)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a job is due at an instant, since when, or when it will be next."""

    due: bool
    due_at: datetime | None
    """When due: the instant it became due. Otherwise the next instant it will be due, or
    None when that is never (disabled, or a period that does not open within 5 years)."""
    reason: str
    """Why, in words, for `status NAME` and `--verbose`."""


LOOKBACK = timedelta(days=7)


def _stretch_opening(period: Period, since: datetime, now: datetime) -> datetime | None:
    """The opening of the active stretch containing `now`, or None when inactive at `now`.

    It looks back to `since` but no further than LOOKBACK: an opening at or before the
    look-back limit is reported as `since` (a stretch that has lasted a week is taken to
    have been open at `since` too), which only matters for ordering long-overdue jobs.
    """
    if since >= now:
        return now if period.is_active(now) else None
    start = max(since, now - LOOKBACK)
    segments = period.segments(start, now + EPSILON)
    if not segments or segments[-1][1] <= now:
        return None
    begin = segments[-1][0]
    return since if begin <= start else begin


class Evaluator:
    """Due-ness of single jobs against their periods (no queue; see `Planner`)."""

    def __init__(self, periods: Mapping[str, Period]) -> None:
        self._periods = periods

    def verdict(self, job: JobDef, timing: JobTiming, now: datetime) -> Verdict:
        """Is `job` due at `now`, and since when; if not, when next and why not.

        Instants are returned in UTC: periods answer in their own zone, and datetimes that
        share a zone compare by wall clock (wrong inside the repeated autumn hour).
        """
        verdict = self._verdict(job, timing, now)
        if verdict.due_at is None:
            return verdict
        return Verdict(verdict.due, verdict.due_at.astimezone(UTC), verdict.reason)

    def _verdict(self, job: JobDef, timing: JobTiming, now: datetime) -> Verdict:
        if job.disabled:
            return Verdict(False, None, "disabled")
        period = self._periods.get(job.timeperiod) if job.timeperiod else None
        if job.timeperiod and period is None:
            return Verdict(False, None, f"time period {job.timeperiod!r} is not defined")
        ready = self.ready_at(job, timing)
        if job.once_per_window and period is not None and timing.consecutive_interruptions == 0:
            return self._window_verdict(job, timing, period, ready, now)
        verdict = self._interval_verdict(job, period, ready, now, timing.last_attempt is None)
        count = timing.consecutive_interruptions
        if count and not verdict.due and verdict.reason == "interval not yet elapsed":
            # The back-off, not the interval, decides: say so, or "due in 4m" for an hourly
            # job reads as a mistake.
            runs = "an interrupted run" if count == 1 else f"{count} interrupted runs in a row"
            backoff = format_duration(backoff_interval(job.interval, count))
            why = f"back-off after {runs} ({backoff}) not yet elapsed"
            return Verdict(False, verdict.due_at, why)
        return verdict

    @staticmethod
    def ready_at(job: JobDef, timing: JobTiming) -> datetime:
        """When the interval (or back-off) has passed: last attempt + interval, or first seen."""
        if timing.last_attempt is None:
            return timing.first_seen
        return timing.last_attempt + backoff_interval(
            job.interval, timing.consecutive_interruptions
        )

    def _interval_verdict(
        self, job: JobDef, period: Period | None, ready: datetime, now: datetime, first: bool
    ) -> Verdict:
        # a job that never ran is due because it never ran, not because an interval elapsed
        elapsed = "never ran" if first else "interval elapsed"
        if period is None:
            if ready <= now:
                return Verdict(True, ready, elapsed)
            return Verdict(False, ready, "interval not yet elapsed")
        if ready <= now:
            opening = _stretch_opening(period, ready, now)
            if opening is not None:
                return Verdict(True, max(ready, opening), f"{elapsed}, {job.timeperiod} open")
            return Verdict(False, period.next_change(now), f"waits for {job.timeperiod}")
        if period.is_active(ready):
            return Verdict(False, ready, "interval not yet elapsed")
        return Verdict(
            False,
            period.next_change(ready),
            f"interval not yet elapsed, then waits for {job.timeperiod}",
        )

    def _window_verdict(
        self, job: JobDef, timing: JobTiming, period: Period, ready: datetime, now: datetime
    ) -> Verdict:
        last = timing.last_attempt
        opening = _stretch_opening(period, last or timing.first_seen, now)
        used = opening is not None and last is not None and opening <= last
        if opening is not None and not used and ready <= now:
            return Verdict(
                True, max(ready, opening), f"{job.timeperiod} open, no run in this window"
            )
        if used:
            why = f"already ran in this window of {job.timeperiod}"
        elif opening is not None:
            why = "minimum gap since the last attempt not yet elapsed"
        else:
            why = f"waits for {job.timeperiod}"
        return Verdict(False, _next_window(period, ready, now, opening is not None, used), why)

    def is_period_open(self, job: JobDef, at: datetime) -> bool:
        """Whether the job's period (if any) is active at `at`."""
        if not job.timeperiod:
            return True
        period = self._periods.get(job.timeperiod)
        return period is not None and period.is_active(at)


def _next_window(
    period: Period, ready: datetime, now: datetime, active_now: bool, used: bool
) -> datetime | None:
    """For a once-per-window job not due now: the first instant after `now` and at or after
    `ready` that lies in an active stretch with no attempt (stretches after now have none)."""
    if active_now:
        close = period.next_change(now)
        if not used and (close is None or close > ready):
            return ready  # this stretch is still unused and lasts until the gap has passed
        at = None if close is None else period.next_change(close)
    else:
        at = period.next_change(now)
    for _ in range(64):  # each step moves to a later opening; 64 windows is plenty
        if at is None or at >= ready:
            return at
        close = period.next_change(at)
        if close is None or close > ready:
            return ready
        at = period.next_change(close)
    return None


@dataclass(frozen=True, slots=True)
class DueJob:
    """A job chosen to run: its name and the instant it became due."""

    name: str
    due_at: datetime


class Planner:
    """A priority queue of due times over a set of jobs.

    `refresh(name, ...)` after a job ran (or its definition or state changed) keeps the queue
    right; everything else is derived lazily when a queue entry reaches the top.
    """

    def __init__(
        self,
        jobs: Mapping[str, JobDef],
        periods: Mapping[str, Period],
        timings: Mapping[str, JobTiming],
        now: datetime,
    ) -> None:
        self._jobs = dict(jobs)
        self._timings = dict(timings)
        self._evaluator = Evaluator(periods)
        self._heap: list[tuple[datetime, str, int]] = []
        self._generation: dict[str, int] = {}
        for name in self._jobs:
            self._push(name, now)

    @property
    def evaluator(self) -> Evaluator:
        """The evaluator the planner uses (for explanations)."""
        return self._evaluator

    def timing(self, name: str) -> JobTiming:
        """The scheduling state the planner holds for `name`."""
        return self._timings[name]

    def verdict(self, name: str, now: datetime) -> Verdict:
        """Why `name` is (not) due at `now`."""
        return self._evaluator.verdict(self._jobs[name], self._timings[name], now)

    def refresh(self, name: str, timing: JobTiming, now: datetime) -> None:
        """Replace the scheduling state of `name` (after an attempt) and requeue it."""
        self._timings[name] = timing
        self._push(name, now)

    def _push(self, name: str, now: datetime) -> None:
        generation = self._generation.get(name, 0) + 1
        self._generation[name] = generation
        verdict = self.verdict(name, now)
        if verdict.due_at is not None:
            heapq.heappush(self._heap, (verdict.due_at, name, generation))

    def _top(self, now: datetime) -> tuple[datetime, str] | None:
        """The earliest valid queue entry, re-validating entries that are due by now."""
        while self._heap:
            due_at, name, generation = self._heap[0]
            if generation != self._generation.get(name):
                heapq.heappop(self._heap)
                continue
            if due_at > now:
                return due_at, name
            verdict = self.verdict(name, now)
            if verdict.due and verdict.due_at == due_at:
                return due_at, name
            heapq.heappop(self._heap)  # its period closed or its state moved on: requeue
            self._push(name, now)
        return None

    def next_due(self, now: datetime) -> DueJob | None:
        """The job to run now (earliest due time, then name), or None."""
        top = self._top(now)
        if top is None or top[0] > now:
            return None
        return DueJob(top[1], top[0])

    def next_wakeup(self, now: datetime) -> datetime | None:
        """When the next job becomes due (<= now if one is due), or None for never."""
        top = self._top(now)
        return None if top is None else top[0]

    def due_jobs(self, now: datetime, slack: timedelta | None = None) -> list[DueJob]:
        """Every job due at `now`, or due within its slack (`run` once), in run order.

        Slack only advances the interval, never the period: a job whose period is closed at
        `now` does not count as due. Default slack per job: `default_slack(interval)`.
        """
        due: list[DueJob] = []
        for name, job in self._jobs.items():
            verdict = self.verdict(name, now)
            job_slack = default_slack(job.interval) if slack is None else slack
            soon = verdict.due_at is not None and verdict.due_at <= now + job_slack
            if verdict.due or (soon and self._evaluator.is_period_open(job, now)):
                assert verdict.due_at is not None
                due.append(DueJob(name, verdict.due_at))
        return sorted(due, key=lambda d: (d.due_at, d.name))

    def names(self) -> Iterable[str]:
        """The planned job names."""
        return self._jobs.keys()

    def peek(self, now: datetime) -> DueJob | None:
        """The job that comes next (due now or later), or None when none ever will."""
        top = self._top(now)
        return None if top is None else DueJob(top[1], top[0])

    def waiting(self, now: datetime, *, exclude: str = "", limit: int = 20) -> list[DueJob]:
        """Jobs already due at `now` (besides `exclude`), earliest first, at most `limit`.

        What a running job keeps waiting (daemon.json, `status`); queue entries are taken as
        they stand, without re-evaluating periods (a cheap scan, not a verdict per job).
        """
        due = [
            DueJob(name, due_at)
            for due_at, name, generation in self._heap
            if due_at <= now and name != exclude and generation == self._generation.get(name)
        ]
        return sorted(due, key=lambda d: (d.due_at, d.name))[:limit]
