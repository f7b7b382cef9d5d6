"""Real `run` passes (planner, dispatcher, state store, as `jobrunner run` wires them) driven
by a fake clock: cron ticks, a wall clock stepped back, DST changes (SPEC §3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from runner.commands.run import run_pass
from runner.executor import Result
from runner.jobtypes import default_registry
from runner.session import Loaded, load
from runner.state import StateStore, format_instant, load_state
from runner.testing import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
JOB = "kind: Job\nname: {name}\ntype: command\ninterval: {interval}\nsettings:\n  argv: ['true']\n"


def definitions(tmp_path: Path, jobs: dict[str, str], extra: str = "") -> Loaded:
    """Write `jobs` (name: interval) plus `extra` YAML documents and load them like `run`."""
    root = tmp_path / "jobs"
    root.mkdir()
    for name, interval in jobs.items():
        (root / f"{name}.yaml").write_text(JOB.format(name=name, interval=interval))
    if extra:
        (root / "extra.yaml").write_text(extra)
    loaded = load(root, timezone="UTC", registry=default_registry(), last_clean=None)
    assert loaded.definitions is not None, loaded.diagnostics
    return loaded


def one_pass(
    state: Path, loaded: Loaded, clock: FakeClock, slack: timedelta | None = None
) -> list[str]:
    """Open the state, run one pass at the clock's time, close; the jobs that ran."""
    with StateStore.open(state, clock=clock) as store:
        ran = run_pass(store, loaded, default_registry(), clock=clock, slack=slack)
    assert all(outcome.result is Result.SUCCESS for _name, outcome in ran)
    return [name for name, _outcome in ran]


def cron(
    state: Path, loaded: Loaded, clock: FakeClock, ticks: Iterable[datetime], **kw: object
) -> dict[str, list[datetime]]:
    """A pass at every tick (wall-clock instants); when each job ran, by wall clock."""
    runs: dict[str, list[datetime]] = {}
    for tick in ticks:
        clock.set(tick)
        for name in one_pass(state, loaded, clock, **kw):  # type: ignore[arg-type]
            runs.setdefault(name, []).append(tick)
    return runs


JITTER_S = (0.8, 0.1, 0.5, 0.3, 0.9, 0.2, 0.6)
"""How late each cron tick starts the pass: a pass at minute m+5 often starts earlier than
the one at minute m, so the interval has not quite elapsed by the pass's start."""


def minute_ticks(start: datetime, minutes: int) -> list[datetime]:
    """A per-minute crontab whose passes start a little after each full minute."""
    return [
        start + timedelta(minutes=m, seconds=JITTER_S[m % len(JITTER_S)]) for m in range(minutes)
    ]


def test_five_minute_job_under_minute_cron_runs_every_five_minutes(tmp_path: Path) -> None:
    """With the default slack a `5m` job runs at minutes 0, 5, 10, ... of an hour of
    per-minute passes, never every 6 minutes, even when a tick starts earlier than the last."""
    loaded = definitions(tmp_path, {"poll": "5m"})
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    runs = cron(tmp_path / "state.json", loaded, clock, minute_ticks(start, 60))
    minutes = [int((at - start).total_seconds() // 60) for at in runs["poll"]]
    assert minutes == list(range(0, 60, 5))


def test_without_slack_the_same_cron_drifts_to_six_minutes(tmp_path: Path) -> None:
    """The contrast that pins why the slack exists: with `--slack 0s` the job misses ticks."""
    loaded = definitions(tmp_path, {"poll": "5m"})
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    ticks = minute_ticks(start, 60)
    runs = cron(tmp_path / "state.json", loaded, clock, ticks, slack=timedelta(0))
    gaps = {round((b - a).total_seconds() / 60) for a, b in pairwise(runs["poll"])}
    assert 6 in gaps
    assert len(runs["poll"]) < 12


def test_clock_stepped_back_an_hour(tmp_path: Path) -> None:
    """After the wall clock steps back an hour between passes, no job runs again at once and
    none waits an extra hour: each next run comes at most one interval after the step."""
    loaded = definitions(tmp_path, {"hourly": "1h", "often": "5m"})
    state = tmp_path / "state.json"
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    step = timedelta(hours=1)
    # Real minutes 0..149; from real minute 31 on, the wall clock shows an hour less.
    real = {
        minute: start + timedelta(minutes=minute) - (step if minute >= 31 else timedelta(0))
        for minute in range(150)
    }
    ran: dict[str, list[int]] = {"hourly": [], "often": []}
    for minute, wall in real.items():
        clock.set(wall)
        for name in one_pass(state, loaded, clock):
            ran[name].append(minute)
    assert ran["often"][:7] == [0, 5, 10, 15, 20, 25, 30]
    gaps = [b - a for a, b in pairwise(ran["often"])]
    assert min(gaps) == 5  # never twice in a row
    assert max(gaps) <= 6  # the step costs at most the minute in which it was noticed
    assert ran["hourly"][0] == 0
    assert 60 <= ran["hourly"][1] <= 31 + 60  # not 120: it does not wait the extra hour
    data, _warnings = load_state(state)
    now = format_instant(clock.now())
    assert all(record["last_attempt"] <= now for record in data.jobs.values())


NIGHTLY = """\
kind: TimePeriod
name: nightly
timezone: Europe/Berlin
ranges:
  monday - sunday: "01:30-03:30"
---
kind: Job
name: backup
type: command
interval: 1h
timeperiod: nightly
once_per_window: true
settings:
  argv: ["true"]
"""


@pytest.mark.parametrize(
    "start",
    [datetime(2026, 3, 26, 12, 0, tzinfo=BERLIN), datetime(2026, 10, 22, 12, 0, tzinfo=BERLIN)],
    ids=["spring-forward", "fall-back"],
)
def test_once_per_window_across_dst(tmp_path: Path, start: datetime) -> None:
    """Passes every 30 minutes for a week across a DST change: a `once_per_window` job runs
    exactly once in each active stretch of its period (the short night, the long night too),
    and every run lies inside its period."""
    loaded = definitions(tmp_path, {}, NIGHTLY)
    assert loaded.definitions is not None
    period = loaded.definitions.timeperiods["nightly"]
    clock = FakeClock(start)
    end = start + timedelta(days=7)
    ticks = [start + timedelta(minutes=30 * i) for i in range(7 * 24 * 2)]
    runs = cron(tmp_path / "state.json", loaded, clock, ticks)["backup"]
    stretches = period.segments(start, end)
    assert len(stretches) == 7
    per_stretch = [sum(begin <= at < close for at in runs) for begin, close in stretches]
    assert per_stretch == [1] * 7
    assert all(period.is_active(at) for at in runs)
    assert [at.astimezone(BERLIN).time().isoformat() for at in runs] == ["01:30:00"] * 7


def test_a_pass_over_new_jobs_leaves_every_job_its_directories(tmp_path: Path) -> None:
    """The directories of new jobs are made ahead in a thread during the pass; every job ran
    with its own work directory and output file, whichever side created the directories."""
    names = {f"j{i:02d}": "1h" for i in range(12)}
    loaded = definitions(tmp_path, names)
    state = tmp_path / "state" / "state.json"
    clock = FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert sorted(one_pass(state, loaded, clock)) == sorted(names)
    for name in names:
        assert (state.parent / "work" / name).is_dir()
        assert len(list((state.parent / "runs" / name).iterdir())) == 1
