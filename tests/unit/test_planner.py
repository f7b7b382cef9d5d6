"""The planner's scheduling semantics (SPEC §3) on a fake clock and explicit periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runner.model import JobDef
from runner.planner import JobTiming, Planner, backoff_interval, default_slack
from runner.testing import ListPeriod

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def job(name: str, interval: timedelta = 15 * MIN, **kwargs: object) -> JobDef:
    return JobDef(
        name=name, type="command", interval=interval, settings={"argv": ["true"]}, **kwargs
    )  # type: ignore[arg-type]


def office_hours(days: int = 14) -> ListPeriod:
    """09:00-17:00 UTC every day from T0's day on."""
    base = T0.replace(hour=0)
    return ListPeriod((base + d * DAY + 9 * HOUR, base + d * DAY + 17 * HOUR) for d in range(days))


def test_never_attempted_job_is_due_from_first_seen() -> None:
    """A new job without a period is due at the moment it was first seen."""
    planner = Planner({"a": job("a")}, {}, {"a": JobTiming(first_seen=T0)}, T0)
    due = planner.next_due(T0)
    assert due is not None
    assert (due.name, due.due_at) == ("a", T0)


def test_never_attempted_job_says_it_never_ran() -> None:
    """A job that never ran is due because it never ran (status, --dry-run, -v said "interval
    elapsed", which reads as if it had run), with its period open or without one; a job that
    ran is due because its interval elapsed."""
    jobs = {"a": job("a"), "b": job("b", timeperiod="office")}
    timings = {name: JobTiming(first_seen=T0) for name in jobs}
    noon = T0.replace(hour=12)
    planner = Planner(jobs, {"office": office_hours()}, timings, T0)
    assert planner.verdict("a", noon).reason == "never ran"
    assert planner.verdict("b", noon).reason == "never ran, office open"
    ran = JobTiming(first_seen=T0, last_attempt=T0)
    planner = Planner(jobs, {"office": office_hours()}, {"a": ran, "b": ran}, T0)
    assert planner.verdict("a", noon).reason == "interval elapsed"
    assert planner.verdict("b", noon).reason == "interval elapsed, office open"


def test_interval_counts_from_last_attempt_start() -> None:
    """A job is due again exactly interval after its last attempt started."""
    timing = JobTiming(first_seen=T0, last_attempt=T0)
    planner = Planner({"a": job("a")}, {}, {"a": timing}, T0)
    assert planner.next_due(T0 + 15 * MIN - timedelta(seconds=1)) is None
    assert planner.next_wakeup(T0) == T0 + 15 * MIN
    due = planner.next_due(T0 + 15 * MIN)
    assert due is not None
    assert due.due_at == T0 + 15 * MIN


def test_earliest_due_runs_first_ties_by_name() -> None:
    """Order is by due time, then by name."""
    timings = {
        "b": JobTiming(first_seen=T0),
        "a": JobTiming(first_seen=T0),
        "c": JobTiming(first_seen=T0 - MIN),
    }
    jobs = {n: job(n) for n in timings}
    planner = Planner(jobs, {}, timings, T0)
    assert [d.name for d in planner.due_jobs(T0)] == ["c", "a", "b"]


def test_closed_period_waits_and_due_time_is_the_opening() -> None:
    """A job whose period is closed starts when it opens; its due time is the opening."""
    jobs = {"a": job("a", timeperiod="office")}
    planner = Planner(jobs, {"office": office_hours()}, {"a": JobTiming(first_seen=T0)}, T0)
    assert planner.next_due(T0) is None
    opening = T0.replace(hour=9)
    assert planner.next_wakeup(T0) == opening
    due = planner.next_due(opening + 5 * MIN)
    assert due is not None
    assert due.due_at == opening


def test_interval_ending_in_a_closed_period_names_both() -> None:
    """A job whose interval ends while its period is closed says both, in words (it read
    "interval, then waits for office"), and is due at the next opening."""
    timing = JobTiming(first_seen=T0, last_attempt=T0.replace(hour=16, minute=50))
    jobs = {"a": job("a", timeperiod="office")}
    planner = Planner(jobs, {"office": office_hours()}, {"a": timing}, T0.replace(hour=16))
    verdict = planner.verdict("a", T0.replace(hour=16, minute=55))
    assert verdict.reason == "interval not yet elapsed, then waits for office"
    assert verdict.due_at == T0.replace(hour=9) + DAY


def test_overdue_job_runs_once_not_replayed() -> None:
    """Runs missed while the runner was down are not replayed: one due entry."""
    timing = JobTiming(first_seen=T0 - DAY, last_attempt=T0 - DAY)
    planner = Planner({"a": job("a")}, {}, {"a": timing}, T0)
    due = planner.due_jobs(T0)
    assert [(d.name, d.due_at) for d in due] == [("a", T0 - DAY + 15 * MIN)]


def test_due_time_is_later_of_ready_and_opening() -> None:
    """An overdue job in a period that reopened is due since the opening, not since ready."""
    jobs = {"a": job("a", timeperiod="office")}
    timing = JobTiming(first_seen=T0, last_attempt=T0.replace(hour=10))
    now = T0.replace(hour=9, minute=30) + DAY
    planner = Planner(jobs, {"office": office_hours()}, {"a": timing}, now)
    due = planner.next_due(now)
    assert due is not None
    assert due.due_at == T0.replace(hour=9) + DAY


def test_once_per_window_runs_once_per_stretch() -> None:
    """ "Daily at 03:00" = a 03:00-04:00 period plus once_per_window: one run per window."""
    base = T0.replace(hour=0)
    period = ListPeriod((base + d * DAY + 3 * HOUR, base + d * DAY + 4 * HOUR) for d in range(5))
    jobs = {"n": job("n", interval=MIN, timeperiod="nightly", once_per_window=True)}
    first = base + 3 * HOUR
    timing = JobTiming(first_seen=base, last_attempt=first + MIN)
    planner = Planner(jobs, {"nightly": period}, {"n": timing}, first + 10 * MIN)
    assert planner.next_due(first + 10 * MIN) is None
    assert planner.next_wakeup(first + 10 * MIN) == first + DAY
    due = planner.next_due(first + DAY)
    assert due is not None
    assert due.due_at == first + DAY


def test_once_per_window_interval_is_a_minimum_gap() -> None:
    """With once_per_window, interval keeps a minimum gap even into the next window."""
    base = T0.replace(hour=0)
    period = ListPeriod((base + d * DAY + 3 * HOUR, base + d * DAY + 4 * HOUR) for d in range(5))
    jobs = {"n": job("n", interval=DAY + 30 * MIN, timeperiod="nightly", once_per_window=True)}
    timing = JobTiming(first_seen=base, last_attempt=base + 3 * HOUR)
    planner = Planner(jobs, {"nightly": period}, {"n": timing}, base + 5 * HOUR)
    assert planner.next_wakeup(base + 5 * HOUR) == base + DAY + 3 * HOUR + 30 * MIN


def test_disabled_job_is_never_due() -> None:
    """A disabled job never enters the queue."""
    planner = Planner({"a": job("a", disabled=True)}, {}, {"a": JobTiming(first_seen=T0)}, T0)
    assert planner.next_due(T0 + DAY) is None
    assert planner.next_wakeup(T0) is None
    assert planner.verdict("a", T0).reason == "disabled"


def test_interruption_backoff() -> None:
    """After n interruptions a job waits min(interval, 5 min x 2^(n-1))."""
    assert backoff_interval(timedelta(weeks=1), 1) == 5 * MIN
    assert backoff_interval(timedelta(weeks=1), 3) == 20 * MIN
    assert backoff_interval(10 * MIN, 5) == 10 * MIN
    timing = JobTiming(first_seen=T0, last_attempt=T0, consecutive_interruptions=2)
    planner = Planner({"w": job("w", interval=timedelta(weeks=1))}, {}, {"w": timing}, T0)
    assert planner.next_wakeup(T0) == T0 + 10 * MIN


def test_backoff_is_named_as_the_reason() -> None:
    """A job waiting out the back-off says so (status, --dry-run, -v), not "interval not yet
    elapsed", which reads as a mistake beside "due in 10m" for a weekly job; once the back-off
    has passed while the interval would not have, the job is due."""
    timing = JobTiming(first_seen=T0, last_attempt=T0, consecutive_interruptions=2)
    planner = Planner({"w": job("w", interval=timedelta(weeks=1))}, {}, {"w": timing}, T0)
    verdict = planner.verdict("w", T0 + MIN)
    assert not verdict.due
    assert verdict.due_at == T0 + 10 * MIN
    assert verdict.reason == "back-off after 2 interrupted runs in a row (10m) not yet elapsed"
    assert planner.verdict("w", T0 + 10 * MIN).due
    once = JobTiming(first_seen=T0, last_attempt=T0, consecutive_interruptions=1)
    planner = Planner({"h": job("h", interval=HOUR)}, {}, {"h": once}, T0)
    assert (
        planner.verdict("h", T0).reason == "back-off after an interrupted run (5m) not yet elapsed"
    )
    plain = JobTiming(first_seen=T0, last_attempt=T0)
    planner = Planner({"h": job("h", interval=HOUR)}, {}, {"h": plain}, T0)
    assert planner.verdict("h", T0).reason == "interval not yet elapsed"


def test_refresh_requeues_after_a_run() -> None:
    """After an attempt, refresh moves the job's next due time one interval on."""
    planner = Planner({"a": job("a")}, {}, {"a": JobTiming(first_seen=T0)}, T0)
    planner.refresh("a", JobTiming(first_seen=T0, last_attempt=T0), T0)
    assert planner.next_due(T0) is None
    assert planner.next_wakeup(T0) == T0 + 15 * MIN


def test_slack_lets_a_5m_job_run_every_5_minutes_under_a_minute_cron() -> None:
    """A 5m job under a per-minute cron whose passes start a little early still runs every 5m."""
    interval = 5 * MIN
    assert default_slack(interval) == timedelta(seconds=15)
    last = T0
    runs = []
    for minute in range(1, 31):
        now = T0 + minute * MIN - timedelta(seconds=2)  # cron fires, pass starts early
        planner = Planner(
            {"a": job("a", interval)}, {}, {"a": JobTiming(T0, last_attempt=last)}, now
        )
        if planner.due_jobs(now):
            runs.append(minute)
            last = now
    assert runs == [5, 10, 15, 20, 25, 30]


def test_slack_never_opens_a_closed_period() -> None:
    """Slack advances the interval only; a closed period keeps the job waiting."""
    jobs = {"a": job("a", timeperiod="office")}
    now = T0.replace(hour=8, minute=59, second=50)
    planner = Planner(jobs, {"office": office_hours()}, {"a": JobTiming(first_seen=T0)}, now)
    assert planner.due_jobs(now, slack=timedelta(minutes=5)) == []


def test_period_closing_while_queued_requeues_the_job() -> None:
    """A queued entry whose period has closed by the time it reaches the top is requeued."""
    jobs = {"a": job("a", timeperiod="office")}
    start = T0.replace(hour=16, minute=50)
    timing = JobTiming(first_seen=T0, last_attempt=start - 20 * MIN)
    planner = Planner(jobs, {"office": office_hours()}, {"a": timing}, start)
    evening = T0.replace(hour=20)
    assert planner.next_due(evening) is None
    assert planner.next_wakeup(evening) == T0.replace(hour=9) + DAY


def test_ten_thousand_jobs_turn_is_cheap() -> None:
    """With 10,000 jobs queued, taking the next due job does not re-evaluate every job."""
    timings = {f"j{i:05d}": JobTiming(first_seen=T0, last_attempt=T0) for i in range(10_000)}
    jobs = {name: job(name, interval=(int(name[1:]) % 60 + 1) * MIN) for name in timings}
    planner = Planner(jobs, {}, timings, T0)
    calls = 0
    original = planner.verdict

    def counting(name: str, now: datetime) -> object:
        nonlocal calls
        calls += 1
        return original(name, now)

    planner.verdict = counting  # type: ignore[method-assign,assignment]
    due = planner.next_due(T0 + MIN)
    assert due is not None
    assert calls <= 2
