"""Files the daemon shares with other commands through the state directory (SPEC §5).

- `daemon.json`: what the running daemon is doing (pid, heartbeat, revisions, reload errors,
  pause, current job, jobs waiting behind it). Written by the daemon only.
- `pause.json`: the pause of job starts on this host. Written by `jobrunner pause`, removed by
  `jobrunner resume`; the daemon and `run` read it. A file of its own, because `state.json`
  may only be written by the lock holder and `pause` must work while a daemon holds the lock.

Each is written atomically (temp file, fsync, rename) with mode 0640; readers never lock and
treat a missing or unreadable file as absent.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.state.files import FILE_MODE, atomic_write_json, ensure_directory, fsync_directory
from runner.state.procinfo import has_exited
from runner.state.timefmt import format_instant, parse_instant

DAEMON_FILE = "daemon.json"
PAUSE_FILE = "pause.json"
VERSION = 1
STALE_HEARTBEAT_S = 180
"""A heartbeat older than this (while not stopped) means the daemon is gone or hung."""


def whoami() -> str:
    """`user@host` of the caller, the user behind sudo when there is one."""
    user = os.environ.get("SUDO_USER") or _login()
    return f"{user}@{socket.gethostname()}"


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause of job starts: by whom, since when, why."""

    by: str
    at: datetime
    reason: str | None = None

    def to_document(self) -> dict[str, Any]:
        """The JSON form, as in `pause.json` and `daemon.json`."""
        return {"by": self.by, "at": format_instant(self.at), "reason": self.reason}

    def describe(self) -> str:
        """`paused by alice@web1 since 2026-...Z: incident 42`."""
        why = f": {self.reason}" if self.reason else ""
        return f"paused by {self.by} since {format_instant(self.at)}{why}"


def instant(value: object) -> datetime | None:
    """A timestamp read from a file someone else wrote; None when absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`, or None when it is missing, unreadable or not an object."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def read_pause(state_dir: Path) -> Pause | None:
    """The current pause, or None when job starts are allowed."""
    document = read_json(state_dir / PAUSE_FILE)
    if document is None:
        return None
    at = instant(document.get("at"))
    if at is None:
        return None
    reason = document.get("reason")
    return Pause(str(document.get("by", "?")), at, reason if isinstance(reason, str) else None)


def write_pause(state_dir: Path, pause: Pause) -> None:
    """Pause job starts on this host (creates the state directory when missing)."""
    ensure_directory(state_dir)
    atomic_write_json(state_dir / PAUSE_FILE, {"version": VERSION, **pause.to_document()})
    give_to_directory_owner(state_dir / PAUSE_FILE, state_dir)


def give_to_directory_owner(path: Path, directory: Path) -> None:
    """As root, hand a file to its directory's owner and group, so that a daemon running as
    the service user can read what root wrote (files are 0640)."""
    if os.geteuid() != 0:
        return
    st = directory.stat()
    with contextlib.suppress(OSError):
        os.chown(path, st.st_uid, st.st_gid)


def clear_pause(state_dir: Path) -> bool:
    """Allow job starts again; False when nothing was paused."""
    try:
        (state_dir / PAUSE_FILE).unlink()
    except FileNotFoundError:
        return False
    fsync_directory(state_dir)
    return True


def write_daemon(state_dir: Path, document: dict[str, Any]) -> None:
    """Replace `daemon.json` (the daemon's heartbeat and report) by rename, without fsync:
    it is a report rewritten often, not a record; a crash may leave the previous one."""
    path = state_dir / DAEMON_FILE
    data = json.dumps({"version": VERSION, **document}, separators=(",", ":")).encode()
    tmp = path.with_name(f".{DAEMON_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    tmp.replace(path)


def read_daemon(state_dir: Path) -> dict[str, Any] | None:
    """`daemon.json` as written, or None when no daemon ever ran here."""
    return read_json(state_dir / DAEMON_FILE)


def is_daemon_alive(document: dict[str, Any] | None, now: datetime) -> bool:
    """Whether `daemon.json` describes a daemon that is up: not stopped, heartbeat fresh and
    (on this host) its pid exists."""
    if document is None or document.get("state") == "stopped":
        return False
    heartbeat = instant(document.get("heartbeat"))
    if heartbeat is None or (now - heartbeat).total_seconds() > STALE_HEARTBEAT_S:
        return False
    pid = document.get("pid")
    if document.get("hostname") == socket.gethostname() and isinstance(pid, int):
        return pid_exists(pid)
    return True


@dataclass(frozen=True, slots=True)
class Waiting:
    """A job `daemon.json` reports due and waiting behind the daemon's running job."""

    job: str
    behind: str
    """The job the daemon is running."""
    since: datetime | None
    """When the waiting job became due (None when the file does not say)."""


def read_waiting(document: dict[str, Any]) -> list[Waiting]:
    """The jobs waiting behind the running job in a `daemon.json` document, in its order;
    empty when no job runs (a waiting list without a running job is stale)."""
    current = document.get("current_job")
    if not isinstance(current, dict) or not isinstance(current.get("job"), str):
        return []
    waiting = document.get("waiting")
    return [
        Waiting(str(item["job"]), current["job"], instant(item.get("due_since")))
        for item in (waiting if isinstance(waiting, list) else [])
        if isinstance(item, dict) and isinstance(item.get("job"), str)
    ]


def pid_exists(pid: int) -> bool:
    """Whether a live process `pid` exists on this host (one we may not signal counts; a
    zombie, dead but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    # a daemon killed with SIGKILL under a parent that has not collected it yet is dead,
    # though signal 0 still reaches it
    return not has_exited(pid)
