"""Run output files (`runs/<job>/`, the last N kept) and per-job work directories."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from runner.state.files import DIR_MODE, StatePaths

OUTPUT_SUFFIX = ".log"


def new_run_id(started: datetime) -> str:
    """A unique, sortable run id: `20261125T054700.123Z-1a2b` (UTC start plus random bits)."""
    stamp = started.strftime("%Y%m%dT%H%M%S.") + f"{started.microsecond // 1000:03d}Z"
    return f"{stamp}-{os.urandom(2).hex()}"


def output_path(paths: StatePaths, job: str, run_id: str) -> Path:
    """Where a run's output goes: `runs/<job>/<run id>.log`. The executor creates the
    directory (0750) on the job's first run; nothing is created here."""
    return paths.runs / job / f"{run_id}{OUTPUT_SUFFIX}"


def list_runs(paths: StatePaths, job: str) -> list[Path]:
    """A job's run output files, newest first (run ids sort by start time)."""
    try:
        files = [p for p in (paths.runs / job).iterdir() if p.name.endswith(OUTPUT_SUFFIX)]
    except FileNotFoundError:
        return []
    return sorted(files, key=lambda p: p.name, reverse=True)


def prune_runs(paths: StatePaths, job: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` output files of `job`; returns what was deleted."""
    removed = list_runs(paths, job)[max(keep, 0) :]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def work_dir(paths: StatePaths, job: str) -> Path:
    """The job's persistent work directory (`JOBRUNNER_WORK_DIR`), created 0750 if missing."""
    directory = paths.work / job
    if not directory.is_dir():
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return directory
