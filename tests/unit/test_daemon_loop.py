"""The daemon loop on a fake clock: `runner.testing.FakeInbox` lets simulated time pass
instead of waiting, so days of daemon life run in about a second; jobs are real children."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from runner.daemon import MAX_WAIT_S, Daemon
from runner.daemonfile import Pause, read_daemon, write_pause
from runner.daemonparts import DaemonParts
from runner.inbox import Message, PauseChanged
from runner.jobtypes import default_registry
from runner.memory import MemoryGuard
from runner.reload import Scanner
from runner.state import StateStore
from runner.stop import StopRequest
from runner.testing import FakeClock, FakeInbox, FakeNotifier, FakeRss

MIB = 1 << 20


class SteppingRss:
    """An RSS probe: `low` until `jump()` has been called `after` times, then `high`."""

    def __init__(self, low: int, high: int, after: int) -> None:
        self.low, self.high, self.calls, self.after = low, high, 0, after

    def __call__(self) -> int:
        """The fake RSS: low for the first `after` calls, high afterwards."""
        self.calls += 1
        return self.low if self.calls <= self.after else self.high


@dataclass
class Harness:
    """A daemon's parts over a temporary jobs directory and state."""

    jobs: Path
    state: Path
    clock: FakeClock
    rss: Callable[[], int] = field(default_factory=lambda: FakeRss(40 * MIB))
    stores: list[StateStore] = field(default_factory=list)

    def daemon(self, until: datetime, limit: int = 0) -> tuple[Daemon, FakeInbox]:
        """A daemon that runs on the fake clock until `until`, then gets a stop request."""
        stop = StopRequest()
        inbox = FakeInbox(self.clock, stop_at=until, stop=stop)
        registry = default_registry(with_plugins=False)
        store = StateStore.open(self.state, clock=self.clock)
        self.stores.append(store)
        parts = DaemonParts(
            store=store,
            clock=self.clock,
            inbox=inbox,
            scanner=Scanner(self.jobs, timezone="UTC", registry=registry),
            registry=registry,
            notifier=FakeNotifier(),
            memory=MemoryGuard(limit, probe=self.rss),
            stop=stop,
            default_timeout=timedelta(minutes=5),
            environ={"PATH": "/usr/bin:/bin"},
        )
        return Daemon(parts), inbox


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    """An empty jobs directory and a state path, with a fake clock on a Monday morning."""
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "defaults.yaml").write_text("kind: Defaults\nhistory: 100\n")
    made = Harness(
        jobs, tmp_path / "state" / "state.json", FakeClock(datetime(2026, 10, 19, tzinfo=UTC))
    )
    yield made
    for store in made.stores:
        store.close()


JOB = """kind: Job
name: {name}
type: command
interval: {interval}
{extra}settings:
  argv: ["true"]
"""


def starts(state: Path, job: str) -> list[datetime]:
    """The start times of `job`'s recorded runs (run summary lines in its output files)."""
    found = []
    for path in sorted((state.parent / "runs" / job).glob("*")):
        last = path.read_text().splitlines()[-1]
        assert last.startswith("[jobrunner] ")
        found.append(
            datetime.fromisoformat(json.loads(last.removeprefix("[jobrunner] "))["started"])
        )
    return sorted(found)


def test_idle_daemon_wakes_only_when_due_or_once_a_minute(harness: Harness) -> None:
    """Over a simulated hour a 5-minute job runs 13 times (at 0, 5, ... 60 minutes); every
    wait is at most 60 s, so the daemon wakes at most once a minute beside the runs."""
    (harness.jobs / "a.yaml").write_text(JOB.format(name="a", interval="5m", extra=""))
    daemon, inbox = harness.daemon(harness.clock.now() + timedelta(hours=1))
    assert daemon.serve() == 0
    assert len(starts(harness.state, "a")) == 13
    waits = [wait for wait in inbox.waits if wait > 0]
    assert max(waits) <= MAX_WAIT_S
    assert len(waits) <= 60 + 2 * 13


def test_weekend_across_dst_runs_each_business_hour_once(harness: Harness) -> None:
    """Friday to Tuesday across the end of summer time (Sun 2026-10-25, Europe/Berlin): an
    hourly job in Mon-Fri 09:00-17:00 runs exactly at 09:00 ... 16:00 local on Friday and
    Monday, never at the weekend."""
    (harness.jobs / "hours.yaml").write_text(
        "kind: TimePeriod\nname: workhours\ntimezone: Europe/Berlin\nranges:\n"
        + "".join(
            f'  {day}: "09:00-17:00"\n'
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        )
    )
    (harness.jobs / "h.yaml").write_text(
        JOB.format(name="h", interval="1h", extra="timeperiod: workhours\n")
    )
    harness.clock.set(datetime(2026, 10, 23, tzinfo=ZoneInfo("Europe/Berlin")))
    daemon, inbox = harness.daemon(datetime(2026, 10, 27, tzinfo=ZoneInfo("Europe/Berlin")))
    assert daemon.serve() == 0
    local = [at.astimezone(ZoneInfo("Europe/Berlin")) for at in starts(harness.state, "h")]
    expected = [
        datetime(2026, 10, day, hour, tzinfo=ZoneInfo("Europe/Berlin"))
        for day in (23, 26)
        for hour in range(9, 17)
    ]
    assert local == expected
    assert max(inbox.waits) <= MAX_WAIT_S


def test_memory_guard_exits_zero_after_the_job(harness: Harness) -> None:
    """RSS past the limit and past twice the post-load RSS: the daemon finishes the running
    job, records it, writes `stopped` and returns 0 so that systemd restarts it."""
    (harness.jobs / "a.yaml").write_text(JOB.format(name="a", interval="5m", extra=""))
    harness.rss = SteppingRss(40 * MIB, 200 * MIB, after=1)  # after the load's measurement
    daemon, inbox = harness.daemon(harness.clock.now() + timedelta(hours=1), limit=64 * MIB)
    assert daemon.serve() == 0
    assert len(starts(harness.state, "a")) == 1
    assert [wait for wait in inbox.waits if wait > 0] == []
    info = read_daemon(harness.state.parent)
    assert info is not None
    assert info["state"] == "stopped"


def test_memory_limit_below_the_loaded_size_is_noticed_not_fatal(harness: Harness) -> None:
    """A limit below the RSS right after loading is logged once; the daemon keeps running
    until its memory doubles."""
    (harness.jobs / "a.yaml").write_text(JOB.format(name="a", interval="5m", extra=""))
    daemon, _inbox = harness.daemon(harness.clock.now() + timedelta(minutes=30), limit=16 * MIB)
    assert daemon.serve() == 0
    assert len(starts(harness.state, "a")) == 7  # at 0, 5, ... 30 minutes


def test_notifies_ready_then_stopping(harness: Harness) -> None:
    """READY=1 (with a STATUS line) at start-up, STOPPING=1 at the end."""
    daemon, _inbox = harness.daemon(harness.clock.now() + timedelta(minutes=1))
    assert daemon.serve() == 0
    notifier = daemon.parts.notifier
    assert isinstance(notifier, FakeNotifier)
    assert notifier.messages[0][0] == "READY=1"
    assert any(line.startswith("STATUS=") for line in notifier.messages[0])
    assert notifier.messages[-1][0] == "STOPPING=1"


class RealTimeClock(FakeClock):
    """A `FakeClock` that also moves with real time, so the executor's once-a-second ticks
    happen while a real job runs (a plain `FakeClock` stands still during a job)."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._real_start = time.monotonic()

    def now(self) -> datetime:
        """The fake instant plus the real time elapsed since construction."""
        return super().now() + timedelta(seconds=time.monotonic() - self._real_start)

    def monotonic(self) -> float:
        """The fake monotonic seconds plus the real time elapsed since construction."""
        return super().monotonic() + time.monotonic() - self._real_start


def test_daemon_json_shows_a_running_job_after_a_second(harness: Harness) -> None:
    """A job still running at the first tick after `REPORT_AFTER_S` is in daemon.json (which
    `status` reads), even when daemon.json was written a moment before the job started: it
    used to wait until ten seconds after the last write, so `status` said `idle` meanwhile."""
    harness.clock = RealTimeClock(harness.clock.now())
    flag = harness.state.parent.parent / "release"
    (harness.jobs / "slow.yaml").write_text(
        "kind: Job\nname: slow\ntype: command\ninterval: 1h\ntimeout: 30s\nsettings:\n"
        f"  shell: 'while [ ! -e {flag} ]; do sleep 0.05; done'\n"
    )
    daemon, _inbox = harness.daemon(harness.clock.now() + timedelta(minutes=1))
    seen: list[dict[str, Any] | None] = []
    tick = daemon.tick

    def observing_tick() -> None:
        tick()
        seen.append(read_daemon(harness.state.parent))
        flag.touch()  # the job ends

    daemon.tick = observing_tick  # type: ignore[method-assign]
    assert daemon.serve() == 0
    first = seen[0]
    assert first is not None
    assert first["state"] == "running"
    assert first["current_job"]["job"] == "slow"


def test_daemon_json_lists_jobs_that_became_due_during_a_run(harness: Harness) -> None:
    """A job that becomes due while another runs is listed as waiting behind it (`status`:
    "waiting behind slow for ..."), not only the jobs that were due when the run started."""
    harness.clock = RealTimeClock(harness.clock.now())
    flag = harness.state.parent.parent / "release"
    (harness.jobs / "slow.yaml").write_text(
        "kind: Job\nname: slow\ntype: command\ninterval: 1d\ntimeout: 3h\nsettings:\n"
        f"  shell: 'while [ ! -e {flag} ]; do sleep 0.05; done'\n"
    )
    (harness.jobs / "early.yaml").write_text(JOB.format(name="early", interval="1h", extra=""))
    daemon, _inbox = harness.daemon(harness.clock.now() + timedelta(hours=2))
    seen: list[dict[str, Any] | None] = []
    tick = daemon.tick

    def observing_tick() -> None:
        harness.clock.advance(timedelta(hours=1, minutes=5))  # `early` is due again
        tick()
        seen.append(read_daemon(harness.state.parent))
        flag.touch()

    daemon.tick = observing_tick  # type: ignore[method-assign]
    assert daemon.serve() == 0
    first = seen[0]
    assert first is not None
    assert first["current_job"]["job"] == "slow"
    assert [item["job"] for item in first["waiting"]] == ["early"]


class PausingInbox(FakeInbox):
    """A `FakeInbox` that pauses job starts (pause.json and the event, as `jobrunner pause`
    does) the first time the loop goes to wait, and then records daemon.json's `state` at
    every later wait."""

    def __init__(self, inbox: FakeInbox, state_dir: Path, clock: FakeClock) -> None:
        self.__dict__.update(inbox.__dict__)
        self.state_dir, self.fake_clock = state_dir, clock
        self.paused = False
        self.states: list[object] = []

    def get(self, timeout: float) -> Message | None:
        """Pause at the first wait, record the state at later ones; then as `FakeInbox`."""
        if timeout > 0 and not self.paused:
            self.paused = True
            write_pause(self.state_dir, Pause(by="ops@host", at=self.fake_clock.now()))
            self.put(PauseChanged())
        elif timeout > 0:
            document = read_daemon(self.state_dir)
            self.states.append(None if document is None else document["state"])
        return super().get(timeout)


def test_daemon_json_says_paused_while_paused(harness: Harness) -> None:
    """A pause that comes while the daemon is idle shows as state `paused` in daemon.json
    (and so in `status`), not `idle` with a pause beside it."""
    (harness.jobs / "a.yaml").write_text(JOB.format(name="a", interval="5m", extra=""))
    daemon, inbox = harness.daemon(harness.clock.now() + timedelta(minutes=20))
    pausing = PausingInbox(inbox, harness.state.parent, harness.clock)
    daemon.parts.inbox = pausing
    assert daemon.serve() == 0
    assert len(starts(harness.state, "a")) == 1  # before the pause only
    assert pausing.states
    assert set(pausing.states) == {"paused"}
