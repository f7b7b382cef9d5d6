"""The runner's single-instance lock: `flock` on a dedicated file next to the state.

Never the state file itself: after the atomic rename the name points to a new inode, and a
second process would get a lock on it. The descriptor is close-on-exec, so jobs never hold it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from runner.state.errors import StateLockedError
from runner.state.files import FILE_MODE, not_writable

# At import, not in `acquire`: a process may lose the right to read the stdlib later. On
# Windows only readers (plan) import this module; `run` and `run-job` are refused there.
with contextlib.suppress(ImportError):
    import fcntl


class StateLock:
    """An exclusive, non-blocking flock held until `release` (or the process ends)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock and write our pid into the file; `StateLockedError` names the holder."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        except OSError as exc:
            raise not_writable(self.path, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StateLockedError(self.path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    @property
    def is_held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def holder_gone(path: Path) -> bool:
    """Whether the pid last written into the lock file `path` no longer exists on this host:
    the runner that held the lock is gone (False when that cannot be told). Readers use it to
    tell a run that is going on from one whose runner died (the lock itself is not touched)."""
    try:
        text = path.read_text(errors="replace").strip()
    except OSError:
        return False
    if not text.isdigit():
        return False
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False
