"""The state side of `housekeeping`, applied by the runner (see `runner.jobtypes.afterrun`).

When is a job "removed"? The state has no such date, so housekeeping keeps one: the first
time a successful housekeeping run finds a record whose job is not in the loaded set, it
notes the instant in `removed.json` in its own work directory; a later activity of the job
(it came back and ran) moves the instant forward. A record absent from the definitions for
`forget_removed_after` is dropped, with its run history and work directory. A job that
comes back before then is simply no longer tracked.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from runner.jobtypes.afterrun import RunRecorded
from runner.state import format_instant, parse_instant
from runner.state.files import atomic_write_json

TRACKING_FILE = "removed.json"
JOB_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
"""Only directories named like a job are ever removed (never `lost+found`, never `..`)."""


@dataclass(frozen=True, slots=True)
class ForgetPlan:
    """Records to drop now, and the removal instants to keep tracking."""

    forget: list[str] = field(default_factory=list)
    tracking: dict[str, str] = field(default_factory=dict)


def plan_forget(
    records: Mapping[str, Mapping[str, Any]],
    defined: Collection[str],
    tracking: Mapping[str, str],
    now: datetime,
    after: timedelta,
) -> ForgetPlan:
    """Which records of undefined jobs have been undefined for `after` (pure)."""
    plan = ForgetPlan()
    for name, record in sorted(records.items()):
        if name in defined or record.get("attempt"):
            continue  # defined, or an attempt still open (recovery decides about it)
        since = _removed_since(record, tracking.get(name), now)
        if now - since >= after:
            plan.forget.append(name)
        else:
            plan.tracking[name] = format_instant(since)
    return plan


def _removed_since(record: Mapping[str, Any], tracked: str | None, now: datetime) -> datetime:
    since = _instant(tracked) or now
    for key in ("last_attempt", "last_finished"):
        activity = _instant(record.get(key))
        if activity is not None and since < activity <= now:
            since = activity  # it was still defined when it ran
    return since


def _instant(value: object) -> datetime | None:
    try:
        return parse_instant(value) if isinstance(value, str) else None
    except ValueError:
        return None


def apply_housekeeping(run: RunRecorded, after: timedelta, remove_orphans: bool) -> list[str]:
    """Drop the records removed for `after`, their runs/ and work/ directories, orphaned
    directories (when asked), and compact the state; returns report lines."""
    store, defined = run.store, run.definitions.jobs
    own_work = store.paths.work / run.job.name
    plan = plan_forget(store.data.jobs, defined, _read_tracking(own_work), run.now, after)
    store.forget(plan.forget)  # a snapshot without them; the journal is emptied
    lines = [f"forgot job {name}: state, run history and work directory" for name in plan.forget]
    for name in plan.forget:
        _remove(store.paths.runs, name)
        _remove(store.paths.work, name)
    if remove_orphans:
        kept = set(store.data.jobs) | set(defined)
        for base in (store.paths.runs, store.paths.work):
            lines.extend(f"removed orphaned {base.name}/{n}/" for n in _orphans(base, kept))
    for name, since in sorted(plan.tracking.items()):
        lines.append(f"job {name} is not defined since {since}; forgotten after {after}")
    own_work.mkdir(parents=True, exist_ok=True)
    atomic_write_json(own_work / TRACKING_FILE, plan.tracking)
    lines.append(f"state compacted: {len(store.data.jobs)} job record(s)")
    return lines


def _read_tracking(work: Path) -> dict[str, str]:
    try:
        data = json.loads((work / TRACKING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _orphans(base: Path, kept: Collection[str]) -> list[str]:
    try:
        names = sorted(p.name for p in base.iterdir() if p.is_dir() and not p.is_symlink())
    except FileNotFoundError:
        return []
    orphans = [name for name in names if name not in kept and JOB_NAME.match(name)]
    for name in orphans:
        _remove(base, name)
    return orphans


def _remove(base: Path, name: str) -> None:
    if JOB_NAME.match(name):
        shutil.rmtree(base / name, ignore_errors=True)
