"""Wall-clock steps of hours, and a week of passes across the autumn DST change, on the fake
clock with real passes (planner, dispatcher, state): no job runs twice, none is skipped.

`test_run_pass.py` pins a one-hour step back and `once_per_window` across DST; these add steps
forward and of many hours, and interval jobs inside and outside periods for a whole week.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from runner.testing import FakeClock
from tests.unit.test_run_pass import BERLIN, cron, definitions, one_pass

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
INTERVALS = {"often": 5, "hourly": 60, "daily": 24 * 60}
"""Job name: interval in minutes."""


def passes_with_step(tmp_path: Path, step: timedelta, minutes: int) -> dict[str, list[int]]:
    """A pass every real minute; from real minute 31 on the wall clock is off by `step`.
    Returns the real minutes at which each job ran."""
    loaded = definitions(tmp_path, {name: f"{m}m" for name, m in INTERVALS.items()})
    state, clock = tmp_path / "state.json", FakeClock(START)
    ran: dict[str, list[int]] = {name: [] for name in INTERVALS}
    for minute in range(minutes):
        clock.set(START + timedelta(minutes=minute) + (step if minute >= 31 else timedelta(0)))
        for name in one_pass(state, loaded, clock):
            ran[name].append(minute)
    return ran


@pytest.mark.parametrize("hours", [3, 30], ids=["3h", "30h"])
def test_clock_stepped_forward_runs_each_overdue_job_once(tmp_path: Path, hours: int) -> None:
    """A jump forward makes each overdue job run once, at the step, not once per missed
    interval; afterwards every job keeps its interval."""
    ran = passes_with_step(tmp_path, timedelta(hours=hours), 150)
    assert ran["often"][:7] == [0, 5, 10, 15, 20, 25, 30]
    assert ran["often"][7] == 31  # overdue after the jump: runs once, at once
    assert [b - a for a, b in pairwise(ran["often"][7:])] == [5] * (len(ran["often"]) - 8)
    assert ran["hourly"][:2] == [0, 31]
    assert {b - a for a, b in pairwise(ran["hourly"][1:])} <= {59, 60}  # 1 min slack
    assert ran["daily"] == ([0] if hours < 24 else [0, 31])


@pytest.mark.parametrize("hours", [5, 30], ids=["5h", "30h"])
def test_clock_stepped_back_hours_neither_repeats_nor_stalls(tmp_path: Path, hours: int) -> None:
    """A jump back of many hours runs nothing again at once and delays no job by the step:
    each runs again at most one interval (plus the minute of noticing) after it."""
    ran = passes_with_step(tmp_path, -timedelta(hours=hours), 150)
    gaps = [b - a for a, b in pairwise(ran["often"])]
    assert min(gaps) == 5
    assert max(gaps) <= 6
    assert ran["hourly"][0] == 0
    assert 60 <= ran["hourly"][1] <= 31 + 60
    assert ran["daily"] == [0]


PERIODS = """\
kind: TimePeriod
name: office
timezone: Europe/Berlin
ranges:
  monday - friday: "09:00-17:00"
---
kind: TimePeriod
name: night
timezone: Europe/Berlin
ranges:
  monday - sunday: "01:30-03:30"
---
kind: Job
name: sync
type: command
interval: 1h
timeperiod: office
settings:
  argv: ["true"]
---
kind: Job
name: nightly
type: command
interval: 1h
timeperiod: night
settings:
  argv: ["true"]
"""


def test_week_across_fall_back_skips_and_repeats_nothing(tmp_path: Path) -> None:
    """Passes every 30 minutes for a week across the autumn change: an hourly job inside a
    night period runs once per real hour of the (long) night, an office-hours job once per
    hour of each weekday, a 30-minute job every 30 minutes; no gap is shorter than the
    interval, and no tick at which a job was due passes without it running."""
    loaded = definitions(tmp_path, {"heartbeat": "30m"}, PERIODS)
    assert loaded.definitions is not None
    start = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)  # Berlin falls back on Sunday 25th
    ticks = [start + timedelta(minutes=30 * i) for i in range(7 * 24 * 2)]  # UTC: real time
    runs = cron(tmp_path / "state.json", loaded, FakeClock(start), ticks)
    periods = loaded.definitions.timeperiods
    jobs = loaded.definitions.jobs
    for name, at in runs.items():
        job = jobs[name]
        period = periods[job.timeperiod] if job.timeperiod else None
        slack = min(job.interval / 20, timedelta(seconds=60))
        assert all(b - a >= job.interval - slack for a, b in pairwise(at)), name  # never twice
        ran = set(at)
        for tick in ticks:  # never skipped: due at a tick means it ran at that tick
            last = max((t for t in at if t < tick), default=None)
            active = period is None or period.is_active(tick)
            if active and last is not None and tick - last >= job.interval:
                assert tick in ran, (name, tick)
    long_night = [t for t in runs["nightly"] if t.astimezone(BERLIN).date().day == 25]
    assert [t.astimezone(UTC).hour for t in long_night] == [23, 0, 1]  # three real hours
    office = periods["office"].segments(start, ticks[-1])
    assert len(runs["sync"]) == sum(math.ceil((b - a) / timedelta(hours=1)) for a, b in office)
