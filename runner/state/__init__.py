"""The runner's state (SPEC §5): location, lock, snapshot plus journal, recovery, run files.

Writers (`run`, `run-job`, the daemon) use `StateStore.open(path, clock=...)`; readers
(`status`, `history`, `check`) use `load_state(path)`, which never locks or writes.
"""

from __future__ import annotations

from runner.state.errors import (
    StateDirError,
    StateError,
    StateLockedError,
    StateVersionError,
    StateWarning,
)
from runner.state.files import StatePaths, load_state
from runner.state.location import apply_env_file, read_env_file, resolve_state_path
from runner.state.records import VERSION, JobState, OpenAttempt, StateData
from runner.state.recovery import RecoveredAttempt, recover_unfinished
from runner.state.runs import (
    LEGACY_SUMMARY_SUFFIX,
    append_run_summary,
    list_runs,
    new_run_id,
    output_path,
    prune_runs,
    read_run_output,
    read_run_summary,
    work_dir,
)
from runner.state.store import FinishedRun, StateStore
from runner.state.timefmt import format_instant, parse_instant

__all__ = [
    "LEGACY_SUMMARY_SUFFIX",
    "VERSION",
    "FinishedRun",
    "JobState",
    "OpenAttempt",
    "RecoveredAttempt",
    "StateData",
    "StateDirError",
    "StateError",
    "StateLockedError",
    "StatePaths",
    "StateStore",
    "StateVersionError",
    "StateWarning",
    "append_run_summary",
    "apply_env_file",
    "format_instant",
    "list_runs",
    "load_state",
    "new_run_id",
    "output_path",
    "parse_instant",
    "prune_runs",
    "read_env_file",
    "read_run_output",
    "read_run_summary",
    "recover_unfinished",
    "resolve_state_path",
    "work_dir",
]
