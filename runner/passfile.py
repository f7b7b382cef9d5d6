"""`last_pass.json`: when the last `jobrunner run` pass started and ended, and what it did.

Under cron nothing else shows that passes still happen; `jobrunner check --mode cron` reads
this file and alerts when the last pass is too old. Written by `run` at the end of each pass
(not while paused, and not when no definitions load), atomically and with mode 0640 like
`daemon.json`, so that a monitoring user in the runner's group can read it without the lock.

```json
{"version": 1, "started": "2026-11-25T07:00:00.012Z", "finished": "2026-11-25T07:00:03.512Z",
 "revision": "a1b2c3...", "degraded": false, "ran": 3, "failed": 1, "hostname": "web1"}
```
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.daemonfile import give_to_directory_owner, instant
from runner.logconfig import get_logger
from runner.state.files import atomic_write_json
from runner.state.timefmt import format_instant

FILE_NAME = "last_pass.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class PassRecord:
    """One finished pass of `jobrunner run`."""

    started: datetime
    finished: datetime
    revision: str | None = None
    """The commit whose definitions ran (the last clean one when degraded)."""
    degraded: bool = False
    ran: int = 0
    """Jobs started in the pass."""
    failed: int = 0
    """Jobs of the pass that did not succeed."""
    hostname: str = ""

    def to_document(self) -> dict[str, Any]:
        """The JSON form written to `last_pass.json`."""
        return {
            "version": VERSION,
            "started": format_instant(self.started),
            "finished": format_instant(self.finished),
            "revision": self.revision,
            "degraded": self.degraded,
            "ran": self.ran,
            "failed": self.failed,
            "hostname": self.hostname or socket.gethostname(),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> PassRecord | None:
        """The record in a document read back, or None when it lacks valid timestamps."""
        started = instant(document.get("started"))
        finished = instant(document.get("finished"))
        if started is None or finished is None:
            return None
        revision = document.get("revision")
        return cls(
            started=started,
            finished=finished,
            revision=revision if isinstance(revision, str) else None,
            degraded=document.get("degraded") is True,
            ran=_count(document.get("ran")),
            failed=_count(document.get("failed")),
            hostname=str(document.get("hostname") or ""),
        )


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def write_pass(state_dir: Path, record: PassRecord) -> None:
    """Replace `last_pass.json` atomically (temp file, fsync, rename), mode 0640."""
    path = state_dir / FILE_NAME
    atomic_write_json(path, record.to_document())
    give_to_directory_owner(path, state_dir)


def record_pass(state_dir: Path, record: PassRecord) -> None:
    """`write_pass` for `run`: a file that cannot be written is logged, never fails the pass."""
    try:
        write_pass(state_dir, record)
    except OSError as exc:
        get_logger("jobrunner").warning(
            "pass.not_recorded", file=str(state_dir / FILE_NAME), error=exc.strerror
        )
