"""A week of `jobrunner check` every ten minutes on a fake clock, across the end of summer
time: jobs that run when due never alert, and a runner that stops on Friday evening alerts
only once business hours have been open for the job's limit on Monday."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from runner.check import Limits, evaluate
from runner.exitcodes import CheckState
from runner.planner import Evaluator
from runner.state import JobState
from runner.testing import FakeClock
from runner.timeperiods import TimePeriod
from tests.unit.check_fixtures import alive_daemon, check_input, job

BERLIN = ZoneInfo("Europe/Berlin")
PERIODS = {
    "office": TimePeriod(ranges={"monday - friday": "09:00-17:00"}, timezone="Europe/Berlin"),
    "nightly": TimePeriod(ranges={"monday - sunday": "02:00-03:00"}, timezone="Europe/Berlin"),
}
JOBS = [
    job("report", timedelta(hours=1), timeperiod="office"),
    job("backup", timedelta(hours=20), timeperiod="nightly", once_per_window=True),
    job("sync", timedelta(minutes=5)),
]
STEP = timedelta(minutes=10)
LIMITS = Limits(grace=timedelta(minutes=15))


def week(stop_running: datetime | None) -> list[tuple[datetime, list[str]]]:
    """Every check from Thursday before the DST change to the Thursday after: the instant and
    the problems, with jobs run whenever due (until `stop_running`)."""
    start = datetime(2026, 10, 22, 0, 0, tzinfo=BERLIN)
    clock = FakeClock(start)
    attempts: dict[str, datetime] = {}
    evaluator = Evaluator(PERIODS)
    seen: list[tuple[datetime, list[str]]] = []
    while clock.now() < start + timedelta(days=7):
        now = clock.now()
        states = {
            j.name: JobState(first_seen=start, last_attempt=attempts.get(j.name)) for j in JOBS
        }
        if stop_running is None or now < stop_running:
            for j in JOBS:
                if evaluator.verdict(j, states[j.name].timing(now), now).due:
                    attempts[j.name] = now
                    states[j.name] = JobState(first_seen=start, last_attempt=now)
        data = check_input(JOBS, states, PERIODS, daemon=alive_daemon(now))
        result = evaluate(data, LIMITS, now)
        seen.append((now, [p.short for p in result.problems if p.state != CheckState.OK]))
        clock.advance(STEP)
    return seen


def test_jobs_that_run_when_due_never_alert_over_a_dst_week() -> None:
    """1,014 checks over a week with the autumn DST change: not one problem."""
    checks = week(stop_running=None)
    assert len(checks) == 7 * 24 * 6 + 6  # the autumn night has 25 hours
    assert [c for c in checks if c[1]] == []


def test_a_runner_stopped_on_friday_evening_alerts_per_job_limits() -> None:
    """Runner gone from Friday 18:00: `sync` is overdue 15 minutes after it became due,
    `backup` when Saturday's window closes unused, `report` after an hour of Monday's office
    time, never over the weekend (each seen by the first check after: checks are 10 min apart).
    """
    friday_evening = datetime(2026, 10, 23, 18, 0, tzinfo=BERLIN)
    checks = week(stop_running=friday_evening)
    first: dict[str, datetime] = {}
    for at, problems in checks:
        for short in problems:
            first.setdefault(short, at)
    assert first["sync overdue"] == datetime(2026, 10, 23, 18, 20, tzinfo=BERLIN)
    assert first["backup overdue"] == datetime(2026, 10, 24, 3, 10, tzinfo=BERLIN)
    assert first["report overdue"] == datetime(2026, 10, 26, 10, 10, tzinfo=BERLIN)
    assert set(first) == {"sync overdue", "backup overdue", "report overdue"}
