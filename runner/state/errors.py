"""Typed errors and warnings of the state store (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runner.errors import JobrunnerError


class StateError(JobrunnerError):
    """The state cannot be used; the CLI exits 2 with this message."""


class StateLockedError(StateError):
    """Another runner holds the lock; `holder` is its pid as written in the lock file."""

    def __init__(self, lock_path: Path, holder: str) -> None:
        self.lock_path = lock_path
        self.holder = holder
        self.held = (
            f"another jobrunner (pid {holder}) is running jobs with this state (lock {lock_path})"
        )
        """Who holds the lock, without advice (each command adds its own)."""
        super().__init__(f"{self.held}; wait for it to finish, or use `run --if-idle` in cron")


class StateVersionError(StateError):
    """The snapshot was written by a newer jobrunner (a `version` this one does not know)."""


class StateDirError(StateError):
    """The state directory cannot be created or written."""


@dataclass(frozen=True, slots=True)
class StateWarning:
    """Something the caller should log: a corrupt snapshot moved aside, a bad journal line."""

    code: str
    """`corrupt-snapshot`, `bad-journal-line`, `unreadable-env-file`."""
    message: str
    path: Path | None = None
