"""The I/O of `jobrunner check`: read everything it judges into a `CheckInput`.

Read-only and lock-free, as a monitoring user in the runner's group: the state (snapshot
plus journal), `daemon.json`, `pause.json`, `last_pass.json` and the definitions. Git is
only asked when the definitions do not load (for the last clean revision that runs
instead). Anything that cannot be read raises `CheckReadError`: the check is UNKNOWN then,
never OK on data it could not see.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runner.check.model import Limits, Mode
from runner.check.view import BusyRun, CheckInput, DaemonView, DefinitionsView
from runner.daemonfile import (
    DAEMON_FILE,
    PAUSE_FILE,
    Pause,
    instant,
    pid_exists,
    read_pause,
    read_waiting,
)
from runner.definitions import load_definitions
from runner.diagnostics import Diagnostic
from runner.jobtypes import default_registry
from runner.model import Definitions, JobDef
from runner.options import GlobalOptions
from runner.passfile import FILE_NAME, PassRecord
from runner.state import JobState, StateData, StateVersionError, load_state, resolve_state_path
from runner.state.location import directory_problem
from runner.state.procinfo import current_boot_id, process_start_ticks

GROUP_HINT = (
    "run the check as a user in the runner's group (the state directory is 0750, its files "
    "0640), or pass --state-file"
)


class CheckReadError(Exception):
    """Something the check must see cannot be read; the check is UNKNOWN."""


def gather(options: GlobalOptions, limits: Limits) -> CheckInput:
    """Read what `evaluate` judges; raises `CheckReadError` for what cannot be read."""
    state_file, origin = resolve_state_path(options.state_file, os.environ)
    problem = directory_problem(state_file, origin)
    if problem is not None:
        raise CheckReadError(problem)
    data = read_state(state_file)
    definitions, view = read_definitions(options, data.last_clean_revision)
    states = job_states(data, definitions.jobs, state_file)
    state_dir = state_file.parent
    return CheckInput(
        jobs=definitions.jobs,
        periods=definitions.timeperiods,
        states=states,
        state_file=state_file,
        jobs_dir=options.jobs_dir,
        definitions=view,
        daemon=read_daemon_view(state_dir) if limits.mode is Mode.DAEMON else None,
        pause=read_pause_strict(state_dir),
        last_pass=read_last_pass(state_dir) if limits.mode is Mode.CRON else None,
        busy=busy_run(states) if limits.mode is Mode.CRON else None,
    )


def read_state(path: Path) -> StateData:
    """The state without the lock; unreadable, corrupt or newer state is a `CheckReadError`."""
    try:
        data, warnings = load_state(path)
    except StateVersionError as exc:
        raise CheckReadError(str(exc)) from None
    except OSError as exc:
        raise CheckReadError(
            f"cannot read the state {exc.filename or path}: {exc.strerror}; {GROUP_HINT}"
        ) from None
    for warning in warnings:
        if warning.code == "corrupt-snapshot":
            raise CheckReadError(f"{warning.message}; the runner moves it aside on its next start")
    return data


def read_definitions(
    options: GlobalOptions, last_clean: str | None
) -> tuple[Definitions, DefinitionsView]:
    """The definitions that run: the tree, else the last clean revision (git), else none."""
    jobs_dir = options.jobs_dir
    if not jobs_dir.is_dir():
        raise CheckReadError(
            f"definitions directory {jobs_dir} does not exist; pass --jobs-dir or set "
            "JOBRUNNER_JOBS_DIR (also read from /etc/jobrunner/jobrunner.env)"
        )
    registry = default_registry()
    result = load_definitions(jobs_dir, timezone=options.timezone, registry=registry)
    for diagnostic in result.diagnostics:
        if diagnostic.code == "unreadable":
            raise CheckReadError(
                f"cannot read {jobs_dir / (diagnostic.file or '')}: {diagnostic.message}; run "
                "the check as a user who may read the definitions"
            )
    if result.ok:
        return result.definitions, DefinitionsView()
    from runner.session import load  # git only when the tree does not load

    loaded = load(jobs_dir, timezone=options.timezone, registry=registry, last_clean=last_clean)
    errors = tuple(_text(d) for d in loaded.diagnostics if d.is_error)
    if loaded.definitions is None:
        why = loaded.problems[0] if loaded.problems else None
        return Definitions(root=jobs_dir), DefinitionsView(errors, None, False, why)
    return loaded.definitions, DefinitionsView(errors, loaded.running_revision)


def _text(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.location()}: {diagnostic.message}"


def job_states(
    data: StateData, jobs: Mapping[str, JobDef], state_file: Path
) -> dict[str, JobState]:
    """The typed state of each defined job (under a `renamed_from` name until the runner
    moves it); a malformed record is a `CheckReadError`."""
    states: dict[str, JobState] = {}
    for name, job in jobs.items():
        record_name = next((n for n in (name, *job.renamed_from) if n in data.jobs), None)
        if record_name is None:
            continue
        try:
            states[name] = JobState.from_record(data.jobs[record_name])
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise CheckReadError(
                f"{state_file}: the record of job {record_name!r} is malformed ({exc}); "
                "`jobrunner status` shows it, the runner rewrites it on the job's next run"
            ) from None
    return states


def read_document(path: Path) -> dict[str, Any] | None:
    """A JSON object file; None when missing; `CheckReadError` when unreadable or corrupt."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckReadError(f"cannot read {path}: {exc.strerror}; {GROUP_HINT}") from None
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        raise CheckReadError(f"{path} is not a JSON object; it is rewritten by its writer")
    return document


def read_daemon_view(state_dir: Path) -> DaemonView | None:
    """`daemon.json` as the check judges it, with whether its pid is alive on this host."""
    document = read_document(state_dir / DAEMON_FILE)
    if document is None:
        return None
    pid = document.get("pid")
    pid = pid if isinstance(pid, int) and not isinstance(pid, bool) else None
    hostname = str(document.get("hostname") or "")
    alive = pid_exists(pid) if pid is not None and hostname == socket.gethostname() else None
    current = document.get("current_job")
    current = current if isinstance(current, dict) else {}
    errors = document.get("reload_errors")
    return DaemonView(
        state=str(document.get("state") or "unknown"),
        heartbeat=instant(document.get("heartbeat")),
        pid=pid,
        hostname=hostname,
        pid_alive=alive,
        loaded_revision=_str(document.get("loaded_revision")),
        newest_revision=_str(document.get("newest_revision")),
        newest_dirty=document.get("newest_dirty") is True,
        degraded=document.get("degraded") is True,
        reload_errors=tuple(
            _error_text(e) for e in (errors if isinstance(errors, list) else []) if e
        ),
        current_job=_str(current.get("job")),
        current_started=instant(current.get("started")),
        waiting=tuple(read_waiting(document)),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _error_text(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ":".join(str(item[k]) for k in ("file", "line", "column") if item.get(k) is not None)
    return f"{where}: {item.get('message')}" if where else str(item.get("message"))


def read_pause_strict(state_dir: Path) -> Pause | None:
    """The pause (`pause.json`), with an unreadable or corrupt file a `CheckReadError`."""
    if read_document(state_dir / PAUSE_FILE) is None:
        return None
    return read_pause(state_dir)


def read_last_pass(state_dir: Path) -> PassRecord | None:
    """`last_pass.json`, or None when no pass was recorded."""
    path = state_dir / FILE_NAME
    document = read_document(path)
    if document is None:
        return None
    record = PassRecord.from_document(document)
    if record is None:
        raise CheckReadError(f"{path} lacks valid `started` and `finished` timestamps")
    return record


def busy_run(states: Mapping[str, JobState]) -> BusyRun | None:
    """An open attempt whose process still runs on this boot (a `run` pass is busy)."""
    boot = current_boot_id()
    for name, state in states.items():
        attempt = state.attempt
        if attempt is None or attempt.pid is None or attempt.boot_id != boot:
            continue
        if attempt.leader_start is not None:
            alive = process_start_ticks(attempt.pid) == attempt.leader_start
        else:
            alive = pid_exists(attempt.pid)
        if alive:
            return BusyRun(name, attempt.started)
    return None
