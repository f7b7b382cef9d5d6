"""Run-now requests to a running daemon (`jobrunner run-job NAME` while the daemon holds the lock).

The client writes `requests/<id>.json` in the state directory (atomically, by rename); the
daemon notices it (file event, else at its next wake), runs the job next, writes
`requests/<id>.result.json` and removes the request. The client waits for the result file.
Only the runner's user (and root) can write the state directory, so only they can ask.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.daemonfile import give_to_directory_owner, instant, read_json, whoami
from runner.state.files import atomic_write_json, ensure_directory
from runner.state.timefmt import format_instant

REQUESTS_DIR = "requests"
RESULT_SUFFIX = ".result.json"
REQUEST_SUFFIX = ".json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """A request the daemon has not answered yet."""

    request_id: str
    job: str
    by: str
    at: datetime | None


def requests_dir(state_dir: Path) -> Path:
    """`<state dir>/requests`."""
    return state_dir / REQUESTS_DIR


def is_request_name(name: str) -> bool:
    """A request file's name (not a result, not a temporary file)."""
    return (
        name.endswith(REQUEST_SUFFIX)
        and not name.endswith(RESULT_SUFFIX)
        and not name.startswith(".")
    )


def submit(state_dir: Path, job: str, now: datetime) -> str:
    """Ask the daemon to run `job` next; returns the request id."""
    directory = requests_dir(state_dir)
    ensure_directory(directory)
    request_id = f"{now.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"
    document = {"version": VERSION, "job": job, "by": whoami(), "at": format_instant(now)}
    atomic_write_json(directory / f"{request_id}{REQUEST_SUFFIX}", document)
    give_to_directory_owner(directory / f"{request_id}{REQUEST_SUFFIX}", directory)
    return request_id


def withdraw(state_dir: Path, request_id: str) -> bool:
    """Remove a request the daemon has not picked up; False when it already has."""
    try:
        (requests_dir(state_dir) / f"{request_id}{REQUEST_SUFFIX}").unlink()
    except FileNotFoundError:
        return False
    return True


def pending(state_dir: Path) -> list[PendingRequest]:
    """Unanswered requests, oldest first; unreadable ones are answered as rejected."""
    directory = requests_dir(state_dir)
    try:
        names = sorted(p.name for p in directory.iterdir() if is_request_name(p.name))
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        request_id = name.removesuffix(REQUEST_SUFFIX)
        if (directory / f"{request_id}{RESULT_SUFFIX}").exists():
            # answered by a daemon of an older version that wrote the result first and
            # stopped before removing the request: done, not to be run again
            with contextlib.suppress(FileNotFoundError):
                (directory / name).unlink()
            continue
        document = read_json(directory / name)
        job = document.get("job") if document else None
        if document is None or not isinstance(job, str):
            answer(state_dir, request_id, {"result": "rejected", "error": "unreadable request"})
            continue
        found.append(
            PendingRequest(
                request_id, job, str(document.get("by", "?")), instant(document.get("at"))
            )
        )
    return found


def answer(state_dir: Path, request_id: str, result: dict[str, Any]) -> None:
    """Remove the request, then write its result: once a client sees the result, the
    request is gone, and a crash between the two never runs the job a second time (the
    waiting client notices that the daemon died)."""
    directory = requests_dir(state_dir)
    with contextlib.suppress(FileNotFoundError):
        (directory / f"{request_id}{REQUEST_SUFFIX}").unlink()
    atomic_write_json(directory / f"{request_id}{RESULT_SUFFIX}", {"version": VERSION, **result})


def read_result(state_dir: Path, request_id: str) -> dict[str, Any] | None:
    """The daemon's answer to a request, or None while there is none."""
    return read_json(requests_dir(state_dir) / f"{request_id}{RESULT_SUFFIX}")


def remove_result(state_dir: Path, request_id: str) -> None:
    """Delete a result the client has read."""
    with contextlib.suppress(FileNotFoundError):
        (requests_dir(state_dir) / f"{request_id}{RESULT_SUFFIX}").unlink()
