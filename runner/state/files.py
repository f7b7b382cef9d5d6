"""Files of the state directory: paths, the atomic snapshot write, reading snapshot and journal.

Readers (`load_state`) never take the lock and never change anything: a corrupt snapshot is
reported as a warning and read as empty. Only the lock holder moves a corrupt snapshot aside.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.state.errors import StateDirError, StateVersionError, StateWarning
from runner.state.records import VERSION, StateData

DIR_MODE = 0o750
FILE_MODE = 0o640


@dataclass(frozen=True, slots=True)
class StatePaths:
    """Where the parts of one state live: all next to the snapshot."""

    snapshot: Path

    @property
    def directory(self) -> Path:
        """The state directory."""
        return self.snapshot.parent

    @property
    def journal(self) -> Path:
        """`state.journal`: records appended since the snapshot."""
        return self.snapshot.with_suffix(".journal")

    @property
    def lock(self) -> Path:
        """`state.lock`: the runner's exclusive flock (never the snapshot itself)."""
        return self.snapshot.with_suffix(".lock")

    @property
    def runs(self) -> Path:
        """`runs/<job>/`: output files of the last runs."""
        return self.directory / "runs"

    @property
    def work(self) -> Path:
        """`work/<job>/`: each job's persistent work directory (JOBRUNNER_WORK_DIR)."""
        return self.directory / "work"


def ensure_directory(directory: Path) -> None:
    """Create `directory` (mode 0750) when missing; a clear `StateDirError` when impossible."""
    try:
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise StateDirError(
            f"cannot create the state directory {directory}: {exc.strerror}; create it for "
            "the runner's user or choose another place with --state-file"
        ) from None


def not_writable(path: Path, exc: OSError) -> StateDirError:
    """The error for a state directory the runner cannot write."""
    return StateDirError(
        f"the state directory {path.parent} is not writable ({path.name}: {exc.strerror}); "
        f"give the runner's user (uid {os.geteuid()}) write access, or use --state-file"
    )


def atomic_write_json(path: Path, document: Any) -> None:
    """Write `document` to `path` atomically: temp file, fsync, rename, fsync of the dir."""
    # A lone surrogate (read from a hand-edited file) has no UTF-8 form; inside a JSON string
    # backslashreplace writes it as the `\udXXX` escape, which reads back as the same text.
    data = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "backslashreplace"
    )
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make renames and new names in `directory` durable."""
    dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def read_snapshot(path: Path) -> tuple[StateData | None, str | None]:
    """The snapshot's data, or (None, why) when it is corrupt; (empty, None) when missing.

    Raises `StateVersionError` for a snapshot from a newer jobrunner.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return StateData(), None
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return None, f"not valid JSON ({type(exc).__name__}: {str(exc)[:200]})"
    if not isinstance(document, dict) or not isinstance(document.get("jobs"), dict):
        return None, "not a jobrunner state document (no `jobs` object)"
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        return None, f"unknown `version` {version!r}"
    if version > VERSION:
        raise StateVersionError(
            f"{path} has version {version}, written by a newer jobrunner; this one reads "
            f"version {VERSION}. Upgrade jobrunner, or move the file away to start afresh"
        )
    top = {k: v for k, v in document.items() if k not in ("version", "written", "jobs")}
    return StateData(jobs=document["jobs"], top=top), None


def replay_journal(path: Path, data: StateData) -> list[StateWarning]:
    """Apply the journal's records to `data`; a torn last line is ignored silently."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    lines = raw.split(b"\n")
    if lines and lines[-1]:
        lines.pop()  # written without its newline: torn by a crash, never fsynced
    warnings = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            data.apply(json.loads(line))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            warnings.append(
                StateWarning("bad-journal-line", f"{path}:{number}: ignored ({exc})", path)
            )
    return warnings


def load_state(path: Path) -> tuple[StateData, list[StateWarning]]:
    """The current state for readers (`status`, `history`, `check`): snapshot plus journal.

    Never locks and never writes. A corrupt snapshot gives a warning and an empty state.
    """
    data, why = read_snapshot(path)
    warnings = []
    if data is None:
        warnings.append(StateWarning("corrupt-snapshot", f"{path} is unreadable: {why}", path))
        data = StateData()
    warnings.extend(replay_journal(StatePaths(path).journal, data))
    return data, warnings
