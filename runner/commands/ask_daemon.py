"""`run-job NAME` while a daemon holds the lock: ask the daemon to run the job next and wait.

The request is a file in the state directory's `requests/` (see `runner.runrequests`); the
daemon answers with a result file. The wait wakes on the result file's creation (a watchdog
observer) and checks once a second that the daemon is still alive, so a daemon that dies
meanwhile ends the wait with exit 2 instead of hanging.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from runner.clock import utcnow
from runner.commands.common import unknown_job_message
from runner.daemonfile import is_daemon_alive, read_daemon
from runner.exitcodes import ExitCode
from runner.runrequests import read_result, remove_result, requests_dir, submit, withdraw

CHECK_S = 1.0


def daemon_is_running(state_dir: Path) -> bool:
    """Whether a live daemon serves this state directory."""
    return is_daemon_alive(read_daemon(state_dir), utcnow())


def run_through_daemon(state_dir: Path, job: str) -> int:
    """Submit a run-now request for `job`, wait for the daemon's answer, exit like run-job."""
    with _withdraw_on_signals():  # from before the request exists until the answer is in
        request_id = submit(state_dir, job, utcnow())
        try:
            document = read_daemon(state_dir) or {}
            current = document.get("current_job")
            behind = (
                f" (after {current['job']}, which is running)" if isinstance(current, dict) else ""
            )
            print(f"jobrunner: asked the running daemon to run {job} next{behind}", file=sys.stderr)
            result = _wait(state_dir, request_id)
        except KeyboardInterrupt:
            if withdraw(state_dir, request_id):
                print("jobrunner: request withdrawn", file=sys.stderr)
            else:
                print(
                    f"jobrunner: {job} already started; it goes on in the daemon", file=sys.stderr
                )
            return int(ExitCode.USAGE)
    if result is None:
        withdraw(state_dir, request_id)
        print("jobrunner: the daemon stopped before answering; try again", file=sys.stderr)
        return int(ExitCode.USAGE)
    remove_result(state_dir, request_id)
    return _report(job, result)


@contextmanager
def _withdraw_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP (a `timeout`, a cancelled CI job, a closed terminal) end the wait
    like Ctrl-C, so the request is withdrawn: without this the client died, and the daemon
    ran the job later anyway and left its answer in requests/ for good."""

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _wait(state_dir: Path, request_id: str) -> dict[str, Any] | None:
    from watchdog.events import FileSystemEvent
    from watchdog.observers import Observer

    arrived = threading.Event()

    class _Handler:
        def dispatch(self, event: FileSystemEvent) -> None:
            arrived.set()

    observer = Observer()
    observer.schedule(_Handler(), str(requests_dir(state_dir)), recursive=False)  # type: ignore[arg-type]
    observer.start()
    try:
        while True:
            result = read_result(state_dir, request_id)
            if result is not None:
                return result
            if not daemon_is_running(state_dir):
                return read_result(state_dir, request_id)
            arrived.wait(CHECK_S)
            arrived.clear()
    finally:
        observer.stop()
        observer.join()


def _report(job: str, result: dict[str, Any]) -> int:
    outcome = result.get("result")
    if outcome == "rejected":
        known = result.get("known")
        if isinstance(known, list):  # an unknown job: the same words as without a daemon
            print(unknown_job_message(job, (str(name) for name in known)), file=sys.stderr)
            return int(ExitCode.USAGE)
        print(f"jobrunner: the daemon refused to run {job}: {result.get('error')}", file=sys.stderr)
        return int(ExitCode.USAGE)
    if outcome == "success":
        print(f"{job}: success in {result.get('duration_s')}s; output: {result.get('output')}")
        return int(ExitCode.OK)
    code = result.get("exit_code")
    code_text = "no exit code" if code is None else f"exit {code}"
    error = f": {result.get('error')}" if result.get("error") else ""
    print(
        f"jobrunner: {job} {outcome} ({code_text}) after {result.get('duration_s')}s{error}; "
        f"output: {result.get('output')}",
        file=sys.stderr,
    )
    return int(ExitCode.FAILURE)
