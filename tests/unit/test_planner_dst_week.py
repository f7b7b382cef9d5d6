"""A simulated week of operation across a DST change, on the fake clock and real periods."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from runner.model import JobDef
from runner.planner import JobTiming, Planner
from runner.testing import FakeClock
from runner.timeperiods import TimePeriod

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 25, 0, 0, tzinfo=BERLIN)  # spring forward: Sunday 2026-03-29
END = START + timedelta(days=7)


def make_job(name: str, interval: timedelta, **kwargs: object) -> JobDef:
    settings = {"argv": ["true"]}
    return JobDef(name=name, type="command", interval=interval, settings=settings, **kwargs)  # type: ignore[arg-type]


def simulate() -> dict[str, list[datetime]]:
    """Run the planner like the daemon does: run what is due (1 minute each), else sleep."""
    periods = {
        "nightly": TimePeriod(ranges={"monday - sunday": "02:00-04:00"}, timezone="Europe/Berlin"),
        "office": TimePeriod(ranges={"monday - friday": "09:00-17:00"}, timezone="Europe/Berlin"),
    }
    jobs = {
        "backup": make_job(
            "backup", timedelta(hours=1), timeperiod="nightly", once_per_window=True
        ),
        "sync": make_job("sync", timedelta(hours=1), timeperiod="office"),
        "heartbeat": make_job("heartbeat", timedelta(minutes=30)),
    }
    clock = FakeClock(START)
    timings = {name: JobTiming(first_seen=clock.now()) for name in jobs}
    planner = Planner(jobs, periods, timings, clock.now())
    runs: dict[str, list[datetime]] = {name: [] for name in jobs}
    while clock.now() < END:
        due = planner.next_due(clock.now())
        if due is not None:
            started = clock.now()
            runs[due.name].append(started)
            clock.advance(timedelta(minutes=1))
            timing = JobTiming(first_seen=START, last_attempt=started)
            planner.refresh(due.name, timing, clock.now())
            continue
        wake = planner.next_wakeup(clock.now())
        assert wake is not None
        clock.set(min(max(wake, clock.now()), clock.now() + timedelta(seconds=60)))
    return runs


def test_week_across_spring_forward() -> None:
    """Nightly runs once per local night (the day with the 02:00 gap too), sync hourly in
    office hours on weekdays, heartbeat every 30 minutes: nothing skipped, nothing doubled."""
    runs = simulate()
    nights = Counter(t.astimezone(BERLIN).date() for t in runs["backup"])
    assert sorted(nights) == [date(2026, 3, d) for d in range(25, 32)]
    assert set(nights.values()) == {1}
    gap_day = [t for t in runs["backup"] if t.astimezone(BERLIN).date() == date(2026, 3, 29)]
    assert gap_day[0].astimezone(BERLIN).hour == 3  # 02:00 does not exist: opens 03:00 CEST
    sync_days = Counter(t.astimezone(BERLIN).date() for t in runs["sync"])
    assert set(sync_days) == {date(2026, 3, d) for d in (25, 26, 27, 30, 31)}
    assert set(sync_days.values()) == {8}
    for t in runs["sync"]:
        assert 9 <= t.astimezone(BERLIN).hour < 17
    gaps = {b - a for a, b in zip(runs["heartbeat"], runs["heartbeat"][1:], strict=False)}
    assert max(gaps) <= timedelta(minutes=32)
    assert min(gaps) >= timedelta(minutes=30)
    assert all(t.tzinfo is UTC for values in runs.values() for t in values)
