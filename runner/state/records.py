"""The state as data: JSON-shaped job records, the journal's records, and typed views.

The snapshot and the journal hold plain JSON. A journal record sets absolute values (never
increments), so applying a record twice is harmless: a crash between writing a new snapshot
and emptying the journal only replays records the snapshot already contains.

Journal records (one JSON object per line):
- `{"j": NAME, "s": {FIELD: VALUE, ...}}` sets fields of a job's record (created if missing);
- `{"top": {FIELD: VALUE}}` sets top-level fields (`last_clean_revision`, `pause`);
- `{"rename": [OLD, NEW]}` moves a job's record to a new name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from runner.planner import JobTiming
from runner.state.timefmt import parse_instant

VERSION = 1
"""The snapshot format this jobrunner writes and reads; a newer one is refused."""

JobRecord = dict[str, Any]
_RESERVED = ("version", "written", "jobs")


@dataclass(slots=True)
class StateData:
    """The whole state: top-level fields and one JSON-shaped record per job name."""

    jobs: dict[str, JobRecord] = field(default_factory=dict)
    top: dict[str, Any] = field(default_factory=dict)

    def apply(self, record: Mapping[str, Any]) -> None:
        """Apply one journal record (see the module docstring); unknown records are ignored."""
        if "j" in record:
            self.jobs.setdefault(str(record["j"]), {}).update(record.get("s") or {})
        elif "top" in record:
            self.top.update(record["top"])
        elif "rename" in record:
            old, new = record["rename"]
            move_job(self.jobs, old, new)

    def job(self, name: str) -> JobState | None:
        """The typed view of a job's record, or None when the job has no state."""
        record = self.jobs.get(name)
        return None if record is None else JobState.from_record(record)

    def timings(self, names: Iterable[str], now: datetime) -> dict[str, JobTiming]:
        """The planner's view of the jobs `names` (first seen `now` when without state)."""
        empty = JobState()
        return {name: (self.job(name) or empty).timing(now) for name in names}

    @property
    def last_clean_revision(self) -> str | None:
        """The last git revision whose definitions loaded cleanly (SPEC §4)."""
        value = self.top.get("last_clean_revision")
        return None if value is None else str(value)

    def to_document(self, written: str) -> dict[str, Any]:
        """The snapshot document (`written` is a formatted timestamp)."""
        # A `top` journal record must not overwrite these (found by fuzzing: `version` 99
        # in the journal made the next snapshot unreadable).
        top = {k: v for k, v in self.top.items() if k not in _RESERVED}
        return {"version": VERSION, "written": written, **top, "jobs": self.jobs}


def move_job(jobs: dict[str, JobRecord], old: str, new: str) -> bool:
    """Move `old`'s record to `new` (`renamed_from`); False when there is nothing to move or
    `new` already has a record of its own (which is then kept)."""
    if old not in jobs or new in jobs:
        return False
    jobs[new] = jobs.pop(old)
    return True


@dataclass(frozen=True, slots=True)
class OpenAttempt:
    """An attempt whose start was recorded and whose end was not (yet)."""

    run_id: str
    started: datetime
    due_at: datetime | None
    boot_id: str | None
    pid: int | None
    pgid: int | None
    leader_start: int | None
    """The group leader's start time in clock ticks since boot (/proc/PID/stat field 22), so a
    recycled pid is never mistaken for the job's."""


@dataclass(frozen=True, slots=True)
class JobState:
    """A typed, read-only view of one job's record (SPEC §5 names)."""

    first_seen: datetime | None = None
    last_attempt: datetime | None = None
    last_finished: datetime | None = None
    last_result: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_exit_code: int | None = None
    last_duration_s: float | None = None
    last_run_id: str | None = None
    runs: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    consecutive_interruptions: int = 0
    revision: str | None = None
    revision_dirty: bool | None = None
    attempt: OpenAttempt | None = None

    def timing(self, now: datetime) -> JobTiming:
        """What the planner needs; a job never seen before counts as first seen `now`
        (record that with `StateStore.see_jobs`)."""
        return JobTiming(
            first_seen=self.first_seen or now,
            last_attempt=self.last_attempt,
            consecutive_interruptions=self.consecutive_interruptions,
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> JobState:
        """Build the view from a JSON-shaped record."""
        return cls(
            first_seen=parse_instant(record.get("first_seen")),
            last_attempt=parse_instant(record.get("last_attempt")),
            last_finished=parse_instant(record.get("last_finished")),
            last_result=record.get("last_result"),
            last_success=parse_instant(record.get("last_success")),
            last_error=record.get("last_error"),
            last_exit_code=record.get("last_exit_code"),
            last_duration_s=record.get("last_duration_s"),
            last_run_id=record.get("last_run_id"),
            runs=int(record.get("runs", 0)),
            failures=int(record.get("failures", 0)),
            consecutive_failures=int(record.get("consecutive_failures", 0)),
            consecutive_interruptions=int(record.get("consecutive_interruptions", 0)),
            revision=record.get("revision"),
            revision_dirty=record.get("revision_dirty"),
            attempt=_attempt(record.get("attempt")),
        )


def _attempt(value: Mapping[str, Any] | None) -> OpenAttempt | None:
    if not value:
        return None
    started = parse_instant(value["started"])
    assert started is not None
    return OpenAttempt(
        run_id=str(value["run_id"]),
        started=started,
        due_at=parse_instant(value.get("due_at")),
        boot_id=value.get("boot_id"),
        pid=value.get("pid"),
        pgid=value.get("pgid"),
        leader_start=value.get("leader_start"),
    )
