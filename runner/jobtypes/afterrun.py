"""What the dispatcher hands to a job type's optional `after_run` hook.

A job's child never writes the state: the runner holds the state lock and an in-memory
`StateStore`, and its next write would clobber anything a child wrote. A type whose work
touches the state (`housekeeping`) therefore does that part in `after_run`, which the
dispatcher calls in the runner, right after the run's end is recorded and before the next
job starts. The hook must be quick and bounded (no network, no waiting); it must not raise
for expected failures (the dispatcher logs anything it raises and carries on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runner.model import Definitions, JobDef
    from runner.state import FinishedRun, StateStore


@dataclass(frozen=True, slots=True)
class RunRecorded:
    """A run whose end is recorded (buffered) in `store`; the runner is between jobs."""

    job: JobDef
    run_id: str
    outcome: FinishedRun
    output_path: Path
    """The run's output file; lines appended here show in `jobrunner history`."""
    store: StateStore
    definitions: Definitions
    """The set the runner runs (in degraded mode: the last clean revision's)."""
    now: datetime
