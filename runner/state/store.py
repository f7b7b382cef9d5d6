"""The state store of the runner that holds the lock: snapshot plus journal (SPEC §5).

Recording costs constant time per run: records are appended to `state.journal`, and the
snapshot `state.json` is rewritten only when the journal is compacted (at `close`, and by
`maybe_compact` when the journal grows past a size or an age).

The fsync budget is one per job. `begin` syncs the finish record of the previous job
together with the start record of the next one; `started` appends the pid/pgid record without
a sync (the page cache survives a SIGKILL of the runner, and after a power loss the boot id
differs, so a lost pid needs no kill); `finish` is buffered, and the dispatcher `flush`es it
(appended, not synced) before it writes the run's summary line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from runner.clock import Clock
from runner.state.errors import StateWarning
from runner.state.files import (
    FILE_MODE,
    StatePaths,
    atomic_write_json,
    ensure_directory,
    not_writable,
    read_snapshot,
    replay_journal,
)
from runner.state.lock import StateLock
from runner.state.procinfo import boot_clock_ticks, current_boot_id
from runner.state.records import JobState, StateData, move_job
from runner.state.timefmt import format_instant

JOURNAL_MAX_BYTES = 4 * 1024 * 1024
JOURNAL_MAX_AGE_S = 60.0


class FinishedRun(Protocol):
    """What `StateStore.finish` needs of a run's outcome (`runner.executor.Outcome` has it)."""

    @property
    def result(self) -> Any:
        """`success`, `failure`, `timeout` or `interrupted` (a str or str enum)."""
        ...

    @property
    def exit_code(self) -> int | None:
        """The exit code; negative: killed by that signal; None: the process never started."""
        ...

    @property
    def error(self) -> str | None:
        """What went wrong, in words (no secrets), or None on success."""
        ...

    @property
    def finished(self) -> datetime:
        """When the attempt ended (aware)."""
        ...

    @property
    def duration_s(self) -> float:
        """How long the attempt took, in seconds."""
        ...


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
"""One encoder for every record: `json.dumps` with options builds a new one per call."""


def _line(record: dict[str, Any]) -> bytes:
    return _ENCODER.encode(record).encode() + b"\n"


class StateStore:
    """The locked, writable state. Use `StateStore.open(path, clock=...)`, then `close()`."""

    def __init__(self, paths: StatePaths, clock: Clock, lock: StateLock, data: StateData) -> None:
        self.paths = paths
        self.data = data
        self.warnings: list[StateWarning] = []
        self.boot_id = current_boot_id()
        self._clock = clock
        self._lock = lock
        self._pending: list[bytes] = []
        self._journal_fd = -1
        self._journal_bytes = 0
        self._compacted_at = clock.monotonic()

    @classmethod
    def open(cls, path: Path, *, clock: Clock) -> StateStore:
        """Create the directory if needed, take the lock, clean stale temp files, load.

        Raises `StateLockedError` (another runner), `StateVersionError` (newer state) or
        `StateDirError` (directory missing and not creatable, or not writable). A corrupt
        snapshot is moved aside to `state.json.corrupt-YYYYmmddTHHMMSS` (see `warnings`).
        """
        paths = StatePaths(path)
        ensure_directory(paths.directory)
        lock = StateLock(paths.lock)
        lock.acquire()
        try:
            store = cls(paths, clock, lock, StateData())
            store._load()
        except BaseException:
            lock.release()
            raise
        return store

    def _load(self) -> None:
        for stale in self.paths.directory.glob(f"{self.paths.snapshot.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        data, why = read_snapshot(self.paths.snapshot)
        if data is None:
            data = StateData()
            self._quarantine(why or "unreadable")
        self.data = data
        self.warnings.extend(replay_journal(self.paths.journal, data))
        try:
            fd = os.open(
                self.paths.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, FILE_MODE
            )
        except OSError as exc:
            raise not_writable(self.paths.journal, exc) from None
        self._journal_fd = fd
        self._journal_bytes = os.fstat(fd).st_size
        if self._journal_bytes or not self.paths.snapshot.exists():
            self.compact()  # also drops a torn last line before anything is appended to it

    def _quarantine(self, why: str) -> None:
        stamp = self._clock.now().strftime("%Y%m%dT%H%M%S")
        target = self.paths.snapshot.with_name(f"{self.paths.snapshot.name}.corrupt-{stamp}")
        self.paths.snapshot.replace(target)
        self.warnings.append(
            StateWarning(
                "corrupt-snapshot",
                f"{self.paths.snapshot} was unreadable ({why}); moved aside to {target.name} "
                "and started from the journal only; inspect or delete that file",
                target,
            )
        )

    def job(self, name: str) -> JobState | None:
        """The typed view of `name`'s state, or None."""
        return self.data.job(name)

    def see_jobs(self, names: Iterable[str], now: datetime) -> list[str]:
        """Record `first_seen = now` for each job without state (buffered); returns them."""
        new = [name for name in names if name not in self.data.jobs]
        for name in new:
            self._set(name, {"first_seen": format_instant(now)})
        return new

    def clamp_future(self, now: datetime) -> list[str]:
        """Bring `last_attempt` and `first_seen` that lie after `now` back to `now` (buffered);
        returns the jobs changed.

        Such instants mean the wall clock was stepped back since they were recorded. Left
        alone, each such job would wait the step on top of its interval; taken as `now`, it
        waits at most its interval from the moment the step is noticed, and does not run
        again at once either.
        """
        stamp = format_instant(now)  # same fixed-width format: strings compare as instants
        changed = []
        for name, record in self.data.jobs.items():
            fields = {
                key: stamp
                for key in ("last_attempt", "first_seen")
                if isinstance(record.get(key), str) and record[key] > stamp
            }
            if fields:
                changed.append(name)
                self._pending.append(_line({"j": name, "s": fields}))
                record.update(fields)
        return changed

    def rename(self, old: str, new: str) -> bool:
        """Move `old`'s state to `new` (`renamed_from`); buffered. False if nothing moved."""
        if not move_job(self.data.jobs, old, new):
            return False
        self._pending.append(_line({"rename": [old, new]}))
        return True

    def set_last_clean_revision(self, revision: str) -> None:
        """Remember the last git revision whose definitions loaded cleanly (buffered)."""
        if self.data.top.get("last_clean_revision") != revision:
            self.data.top["last_clean_revision"] = revision
            self._pending.append(_line({"top": {"last_clean_revision": revision}}))

    def begin(
        self,
        job: str,
        *,
        run_id: str,
        started: datetime,
        due_at: datetime | None = None,
        revision: str | None = None,
        dirty: bool | None = None,
    ) -> None:
        """Record the start of an attempt, with everything buffered before it: one fsync."""
        started_at = format_instant(started)
        fields: dict[str, Any] = {
            "last_attempt": started_at,
            "revision": revision,
            "revision_dirty": dirty,
            "attempt": {
                "run_id": run_id,
                "started": started_at,
                "due_at": None if due_at is None else format_instant(due_at),
                "boot_id": self.boot_id,
                "pid": None,
                "pgid": None,
            },
        }
        if "first_seen" not in self.data.jobs.get(job, {}):
            fields["first_seen"] = started_at
        before = dict(self.data.jobs[job]) if job in self.data.jobs else None
        self._set(job, fields)
        try:
            self.sync()
        except OSError:  # the job will not start: forget this attempt, keep the rest buffered
            if self._pending:  # else written but not synced: recovery closes it if it stays
                self._pending.pop()
            if before is None:
                del self.data.jobs[job]
            else:
                self.data.jobs[job] = before
            raise

    def started(self, job: str, pid: int, pgid: int) -> None:
        """Record the child's pid and process group; appended without an fsync."""
        attempt = dict(self.data.jobs[job]["attempt"])
        attempt.update(pid=pid, pgid=pgid, leader_start=boot_clock_ticks())
        self._set(job, {"attempt": attempt})
        self._write()

    def finish(self, job: str, outcome: FinishedRun) -> None:
        """Record how an attempt ended and close it; buffered until the next sync."""
        record = self.data.jobs.setdefault(job, {})
        result = str(getattr(outcome.result, "value", outcome.result))
        success = result == "success"
        finished = format_instant(outcome.finished)
        fields: dict[str, Any] = {
            "last_finished": finished,
            "last_result": result,
            "last_error": outcome.error,
            "last_exit_code": outcome.exit_code,
            "last_duration_s": round(outcome.duration_s, 3),
            "runs": record.get("runs", 0) + 1,
            "failures": record.get("failures", 0) + (0 if success else 1),
            "consecutive_failures": 0 if success else record.get("consecutive_failures", 0) + 1,
            "consecutive_interruptions": (
                record.get("consecutive_interruptions", 0) + 1 if result == "interrupted" else 0
            ),
            "attempt": None,
        }
        if success:
            fields["last_success"] = finished
        if record.get("attempt"):
            fields["last_run_id"] = record["attempt"]["run_id"]
        self._set(job, fields)

    def _set(self, job: str, fields: dict[str, Any]) -> None:
        self.data.jobs.setdefault(job, {}).update(fields)
        self._pending.append(_line({"j": job, "s": fields}))

    def _write(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            view = memoryview(data)
            try:
                while view:
                    view = view[os.write(self._journal_fd, view) :]
            except OSError:
                # A full disk: cut a partly written record off (a torn line followed by more
                # records would lose them) and keep everything buffered for the next try.
                os.ftruncate(self._journal_fd, self._journal_bytes)
                raise
            self._pending.clear()
            self._journal_bytes += len(data)

    def flush(self) -> None:
        """Append what is buffered without an fsync: it survives a crash of the runner (the
        page cache is the kernel's), not a power loss. Called before a run's summary line is
        written, so that no output file claims a run the state does not know."""
        self._write()

    def sync(self) -> None:
        """Append what is buffered and make the journal durable (one fdatasync)."""
        if self._pending:
            self._write()
            os.fdatasync(self._journal_fd)

    def maybe_compact(self) -> bool:
        """Compact when the journal exceeds 4 MiB or is older than 60 s; True if it did."""
        age = self._clock.monotonic() - self._compacted_at
        if self._journal_bytes > JOURNAL_MAX_BYTES or (
            (self._journal_bytes or self._pending) and age > JOURNAL_MAX_AGE_S
        ):
            self.compact()
            return True
        return False

    def forget(self, names: Iterable[str]) -> list[str]:
        """Drop the records of `names` (jobs gone for good) and compact, so that no journal
        line brings them back; returns the names that had a record."""
        dropped = [name for name in names if self.data.jobs.pop(name, None) is not None]
        self.compact()
        return dropped

    def compact(self) -> None:
        """Write a new snapshot of everything (atomically) and empty the journal."""
        document = self.data.to_document(format_instant(self._clock.now()))
        atomic_write_json(self.paths.snapshot, document)
        os.ftruncate(self._journal_fd, 0)
        self._pending.clear()
        self._journal_bytes = 0
        self._compacted_at = self._clock.monotonic()

    def close(self) -> None:
        """Compact, close the journal and release the lock (idempotent)."""
        if self._journal_fd >= 0:
            self.compact()
            os.close(self._journal_fd)
            self._journal_fd = -1
        self._lock.release()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
