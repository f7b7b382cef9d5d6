"""Builders shared by the `jobrunner check` unit tests: jobs, states, inputs, daemons."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from runner.check import CheckInput, DaemonView, DefinitionsView
from runner.model import JobDef
from runner.planner import Period
from runner.state import JobState

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STATE_FILE = Path("/var/lib/jobrunner/state.json")


def job(name: str, interval: timedelta = timedelta(hours=1), **kwargs: Any) -> JobDef:
    """A command job with `interval` and any other JobDef fields."""
    return JobDef(name=name, type="command", interval=interval, settings={}, **kwargs)


def ran(at: datetime, result: str = "success", **kwargs: Any) -> JobState:
    """The state of a job whose last attempt started at `at` with `result`."""
    fields: dict[str, Any] = {
        "first_seen": at - timedelta(days=30),
        "last_attempt": at,
        "last_finished": at + timedelta(seconds=2),
        "last_result": result,
        "last_run_id": "20261125T070000.000Z-abcd",
        "last_exit_code": 0 if result == "success" else 3,
        "last_duration_s": 2.0,
        "runs": 10,
    }
    if result != "success":
        fields.update(consecutive_failures=1, last_error="disk full")
    fields.update(kwargs)
    return JobState(**fields)


def alive_daemon(now: datetime = NOW, **kwargs: Any) -> DaemonView:
    """A daemon on this host, idle, heartbeat 5 s before `now`."""
    fields: dict[str, Any] = {
        "state": "idle",
        "heartbeat": now - timedelta(seconds=5),
        "pid": 42,
        "hostname": "web1",
        "pid_alive": True,
        "loaded_revision": "abc1234def",
        "newest_revision": "abc1234def",
    }
    fields.update(kwargs)
    return DaemonView(**fields)


def check_input(
    jobs: list[JobDef],
    states: Mapping[str, JobState] | None = None,
    periods: Mapping[str, Period] | None = None,
    **kwargs: Any,
) -> CheckInput:
    """A CheckInput over `jobs` with a live daemon unless `daemon` is given."""
    kwargs.setdefault("daemon", alive_daemon())
    kwargs.setdefault("definitions", DefinitionsView())
    return CheckInput(
        jobs={j.name: j for j in jobs},
        periods=periods or {},
        states=dict(states or {}),
        state_file=STATE_FILE,
        jobs_dir=Path("/srv/jobs.d"),
        **kwargs,
    )
