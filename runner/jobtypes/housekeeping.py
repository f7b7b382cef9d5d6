"""The built-in `housekeeping` type: jobrunner's own maintenance.

    kind: Job
    name: housekeeping
    type: housekeeping
    interval: 1d
    settings:
      forget_removed_after: 30d

A run has two halves, so that nothing a child does can race the runner's own state writes:

1. the worker child (like every job, with timeout and stop) removes stale files of the
   state directory: `run-job` request and result files nobody picked up or read within
   `request_files_after` (default 1d);
2. after a successful run, the runner itself (`after_run`, between two jobs, holding the
   state lock) drops the state, run history and work directory of jobs removed from the
   definitions for `forget_removed_after` (default 30d), removes orphaned `runs/<job>/` and
   `work/<job>/` directories (no state and no definition), and compacts the state journal
   into a new snapshot. See `runner.jobtypes.housekeepingstate`.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from runner import clock
from runner.durations import parse_duration
from runner.jobtypes.afterrun import RunRecorded
from runner.jobtypes.base import SettingsProblem
from runner.jobtypes.durationschema import duration_problems, duration_schema
from runner.jobtypes.python import JobContext, JobFailed, PythonJobType

DEFAULT_FORGET_AFTER = timedelta(days=30)
DEFAULT_REQUESTS_AFTER = timedelta(days=1)
_DURATION = duration_schema(0)

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "housekeeping job settings",
    "description": (
        "jobrunner's own maintenance: forget jobs removed long ago, remove orphaned run and "
        "work directories and stale request files, compact the state journal."
    ),
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "forget_removed_after": {
            "title": "Forget removed jobs after",
            "description": (
                "Drop the state, run history and work directory of a job that has not been in "
                "the definitions for this long (default 30d; 0: at the next run)."
            ),
            **_DURATION,
        },
        "request_files_after": {
            "title": "Remove request files after",
            "description": "Remove run-job request and result files older than this (default 1d).",
            **_DURATION,
        },
        "remove_orphans": {
            "title": "Remove orphaned directories",
            "description": (
                "Remove runs/<job>/ and work/<job>/ of jobs with neither state nor definition "
                "(default true)."
            ),
            "type": "boolean",
        },
    },
}


class HousekeepingType(PythonJobType):
    """`type: housekeeping`: forget_removed_after, request_files_after, remove_orphans."""

    name = "housekeeping"
    settings_schema: Mapping[str, Any] = SETTINGS_SCHEMA

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Durations too long to use (the schema only sees their form)."""
        return duration_problems(settings, ["forget_removed_after", "request_files_after"])

    def run(self, ctx: JobContext) -> None:
        """Remove stale request files; the state part follows in the runner (`after_run`)."""
        if ctx.work_dir is None:
            raise JobFailed("no work directory given: run housekeeping through jobrunner")
        from runner.runrequests import requests_dir  # the worker only

        state_dir = ctx.work_dir.parent.parent  # <state dir>/work/<job>
        older = _duration(ctx.settings, "request_files_after", DEFAULT_REQUESTS_AFTER)
        removed = remove_stale_files(requests_dir(state_dir), older, ctx)
        ctx.logger.info("removed %d stale request file(s) from %s", len(removed), state_dir)
        ctx.logger.info("the runner applies the state part after this run (see below)")

    def after_run(self, run: RunRecorded) -> None:
        """In the runner: forget long-removed jobs, remove orphans, compact (success only)."""
        if str(getattr(run.outcome.result, "value", run.outcome.result)) != "success":
            return
        from runner.jobtypes.housekeepingstate import apply_housekeeping  # runners only

        settings = run.job.settings
        after = _duration(settings, "forget_removed_after", DEFAULT_FORGET_AFTER)
        lines = apply_housekeeping(run, after, bool(settings.get("remove_orphans", True)))
        with run.output_path.open("a", encoding="utf-8") as output:
            output.writelines(f"runner: {line}\n" for line in lines)


def _duration(settings: Mapping[str, Any], key: str, default: timedelta) -> timedelta:
    return parse_duration(settings[key]) if key in settings else default


def remove_stale_files(directory: Path, older: timedelta, ctx: JobContext) -> list[Path]:
    """Delete the regular files in `directory` last modified more than `older` ago."""
    limit = (clock.utcnow() - older).timestamp()
    try:
        candidates = sorted(directory.iterdir())
    except FileNotFoundError:
        return []
    removed: list[Path] = []
    for path in candidates:
        if ctx.stop_requested:
            raise JobFailed(f"stopped after removing {len(removed)} stale file(s)")
        try:
            info = path.lstat()
        except FileNotFoundError:  # answered or withdrawn meanwhile
            continue
        if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
            path.unlink(missing_ok=True)
            ctx.logger.info("removed stale %s", path.name)
            removed.append(path)
    return removed
