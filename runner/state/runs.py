"""Run output files (`runs/<job>/`, the last N kept) and per-job work directories."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.output import make_dirs
from runner.state.files import DIR_MODE, FILE_MODE, StatePaths

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
        path.with_suffix(LEGACY_SUMMARY_SUFFIX).unlink(missing_ok=True)
    return removed


def work_dir(paths: StatePaths, job: str) -> Path:
    """The job's persistent work directory (`JOBRUNNER_WORK_DIR`), created 0750 if missing."""
    directory = paths.work / job
    try:  # one syscall when it exists (every run but the first)
        directory.mkdir(mode=DIR_MODE)
    except FileExistsError:
        pass
    except FileNotFoundError:
        make_dirs(directory, DIR_MODE)
    return directory


def make_job_dirs(paths: StatePaths, jobs: Iterable[str], stop: Callable[[], bool]) -> int:
    """Create the missing `runs/<job>/` and `work/<job>/` of `jobs`, in order, until `stop()`;
    returns how many were created. Run beside a pass (a thread), so that a job's first run
    does not wait for its directories: on a journaling file system each costs a metadata
    commit. The dispatcher still creates whatever this has not reached yet."""
    created = 0
    for job in jobs:
        if stop():
            break
        for base in (paths.runs, paths.work):
            directory = base / job
            try:
                directory.mkdir(mode=DIR_MODE)
                created += 1
            except FileExistsError:
                pass
            except FileNotFoundError:
                make_dirs(directory, DIR_MODE)
                created += 1
    return created


SUMMARY_PREFIX = b"[jobrunner] "
"""The last line of a finished run's output file: this prefix and the run's summary (JSON)."""
LEGACY_SUMMARY_SUFFIX = ".json"
"""Summaries of runs recorded by earlier versions: `<run id>.json` beside the output."""
_TAIL_BYTES = 8192
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def append_run_summary(output: Path, summary: Mapping[str, Any]) -> None:
    """Append the run's summary as the last line of its output file (for `history`).

    One write to a file that is already there: no new file per run (creating files costs
    journal commits). Not synced: the state journal is the record, this is a convenience copy.
    """
    line = SUMMARY_PREFIX + _ENCODER.encode(dict(summary)).encode() + b"\n"
    flags = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC
    try:
        fd = os.open(output, flags)
    except FileNotFoundError:  # the job never started: no output file yet
        make_dirs(output.parent, DIR_MODE)
        fd = os.open(output, flags | os.O_CREAT, FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        os.write(fd, line)
    finally:
        os.close(fd)


def _split_summary(output: Path) -> tuple[int, dict[str, Any] | None]:
    """Where the job's own output ends in `output`, and the summary line after it (or None)."""
    with output.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        start = max(0, size - _TAIL_BYTES)
        handle.seek(start)
        tail = handle.read()
    if not tail.endswith(b"\n"):
        return size, None
    begin = tail.rfind(b"\n", 0, len(tail) - 1) + 1
    if (begin == 0 and start > 0) or not tail.startswith(SUMMARY_PREFIX, begin):
        return size, None
    try:
        summary = json.loads(tail[begin + len(SUMMARY_PREFIX) :])
    except ValueError:
        return size, None
    return (start + begin, summary) if isinstance(summary, dict) else (size, None)


def read_run_summary(output: Path) -> dict[str, Any] | None:
    """The summary of the run whose output file is `output`, or None (unfinished run)."""
    try:
        _end, summary = _split_summary(output)
    except OSError:
        return None
    if summary is not None:
        return summary
    try:
        legacy = json.loads(output.with_suffix(LEGACY_SUMMARY_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return legacy if isinstance(legacy, dict) else None


def read_run_output(output: Path) -> bytes:
    """The job's own output (what the runner kept of it), without the summary line."""
    end, _summary = _split_summary(output)
    with output.open("rb") as handle:
        return handle.read(end)
