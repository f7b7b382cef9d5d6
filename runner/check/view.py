"""What `jobrunner check` looks at, as plain values read beforehand (`runner.check.gather`).

The evaluation never touches a file, a process or the clock: whatever it needs to know
about the host (is the daemon's pid alive?) is decided while gathering and stored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from runner.daemonfile import Pause, Waiting
from runner.model import JobDef
from runner.passfile import PassRecord
from runner.planner import Period
from runner.state import JobState


@dataclass(frozen=True, slots=True)
class DaemonView:
    """The parts of `daemon.json` the check judges."""

    state: str
    heartbeat: datetime | None
    pid: int | None = None
    hostname: str = ""
    pid_alive: bool | None = None
    """False: the pid is gone on this host; None: not checkable (another host)."""
    loaded_revision: str | None = None
    newest_revision: str | None = None
    newest_dirty: bool = False
    degraded: bool = False
    reload_errors: tuple[str, ...] = ()
    """`file:line:column: message` of each error of the newest revision."""
    current_job: str | None = None
    current_started: datetime | None = None
    waiting: tuple[Waiting, ...] = ()


@dataclass(frozen=True, slots=True)
class DefinitionsView:
    """How the definitions in the jobs directory loaded."""

    errors: tuple[str, ...] = ()
    """`file:line:column: message` of each error of the current tree (empty: it loads)."""
    running_revision: str | None = None
    """The commit of what runs: HEAD, or the last clean revision when the tree has errors."""
    runnable: bool = True
    """False when neither the tree nor a clean revision loads: no job runs at all."""
    why_not: str | None = None
    """Why no clean revision could be loaded (git's complaint), when not runnable."""


@dataclass(frozen=True, slots=True)
class BusyRun:
    """A job whose attempt is open and whose process is alive: a `run` pass is busy."""

    job: str
    started: datetime


@dataclass(frozen=True)
class CheckInput:
    """Everything one check evaluates."""

    jobs: Mapping[str, JobDef]
    periods: Mapping[str, Period]
    states: Mapping[str, JobState]
    state_file: Path
    jobs_dir: Path = Path("jobs.d")
    definitions: DefinitionsView = field(default_factory=DefinitionsView)
    daemon: DaemonView | None = None
    """`daemon.json` (mode daemon); None when it does not exist."""
    pause: Pause | None = None
    last_pass: PassRecord | None = None
    """`last_pass.json` (mode cron); None when it does not exist."""
    busy: BusyRun | None = None
    """Mode cron: an attempt in progress (the pass that started it is still running)."""

    @property
    def state_dir(self) -> Path:
        """The state directory (where `daemon.json` and `last_pass.json` live)."""
        return self.state_file.parent
