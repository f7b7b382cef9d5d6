"""What the daemon tells others about itself: `daemon.json` and systemd's `STATUS=` line.

Pure: built from a `Report` value the loop keeps up to date; the loop decides when to write.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from runner.daemonfile import Pause
from runner.diagnostics import Diagnostic
from runner.planner import DueJob
from runner.reporters.json import diagnostic_item
from runner.state.timefmt import format_instant


@dataclass
class Running:
    """The job the daemon is running now."""

    job: str
    started: datetime
    pid: int | None = None


@dataclass
class Report:
    """Everything `daemon.json` and the `STATUS=` line show."""

    started: datetime
    state: str = "starting"
    """`starting`, `idle`, `running`, `paused`, `invalid-definitions`, `stopping`, `stopped`."""
    loaded_revision: str | None = None
    newest_revision: str | None = None
    newest_dirty: bool = False
    degraded: bool = False
    reload_errors: list[Diagnostic] = field(default_factory=list)
    reloads: int = 0
    reload_failures: int = 0
    last_reload: datetime | None = None
    last_reload_error: datetime | None = None
    current: Running | None = None
    waiting: list[DueJob] = field(default_factory=list)
    next_due: DueJob | None = None
    pause: Pause | None = None
    memory: dict[str, int | None] = field(default_factory=dict)
    jobs: int = 0

    def document(self, now: datetime) -> dict[str, Any]:
        """The `daemon.json` document (without `version`)."""
        return {
            "pid": os.getpid(),
            "hostname": socket.gethostname(),
            "started": format_instant(self.started),
            "heartbeat": format_instant(now),
            "state": self.state,
            "jobs": self.jobs,
            "loaded_revision": self.loaded_revision,
            "newest_revision": self.newest_revision,
            "newest_dirty": self.newest_dirty,
            "degraded": self.degraded,
            "reload_errors": [diagnostic_item(d) for d in self.reload_errors],
            "reloads": self.reloads,
            "reload_failures": self.reload_failures,
            "last_reload": _instant(self.last_reload),
            "last_reload_error": _instant(self.last_reload_error),
            "current_job": None if self.current is None else _running(self.current),
            "waiting": [
                {"job": d.name, "due_since": format_instant(d.due_at)} for d in self.waiting
            ],
            "next_due": None
            if self.next_due is None
            else {"job": self.next_due.name, "at": format_instant(self.next_due.due_at)},
            "paused": None if self.pause is None else self.pause.to_document(),
            "memory": self.memory,
        }

    def status_line(self, now: datetime) -> str:
        """The one-line `STATUS=` text for `systemctl status`."""
        prefix = ""
        if self.degraded and self.loaded_revision:
            prefix = f"invalid definitions, running {self.loaded_revision[:7]}; "
        if self.state == "invalid-definitions":
            return "invalid definitions, no clean revision to run; waiting for a fix"
        if self.current is not None:
            seconds = int((now - self.current.started).total_seconds())
            return f"{prefix}running {self.current.job} for {seconds}s"
        if self.pause is not None:
            return f"{prefix}{self.pause.describe()}"
        if self.next_due is None:
            return f"{prefix}idle; nothing due"
        at = self.next_due.due_at.astimezone().strftime("%H:%M:%S %Z")
        return f"{prefix}idle; next: {self.next_due.name} at {at}"


def _instant(at: datetime | None) -> str | None:
    return None if at is None else format_instant(at)


def _running(running: Running) -> dict[str, Any]:
    return {"job": running.job, "started": format_instant(running.started), "pid": running.pid}
