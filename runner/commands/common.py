"""Pieces several commands share: state location, loading, printing diagnostics."""

from __future__ import annotations

import argparse
import difflib
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from runner.definitions.permissions import policy_for
from runner.diagnostics import Diagnostic
from runner.durations import parse_duration, rough_duration
from runner.errors import UsageError
from runner.jobtypes import JobTypeRegistry, default_registry
from runner.logconfig import get_logger
from runner.options import GlobalOptions
from runner.platform import effective_uid
from runner.session import Loaded, load
from runner.state import (
    StateData,
    load_state,
    resolve_state_path,
)
from runner.stop import StopRequest


def state_path(options: GlobalOptions) -> tuple[Path, str]:
    """The state file every command uses, and where that choice came from; UsageError when
    it names a directory."""
    from runner.state.location import directory_problem

    path, origin = resolve_state_path(options.state_file, os.environ)
    problem = directory_problem(path, origin)
    if problem is not None:
        raise UsageError(problem)
    return path, origin


def refuse_root_by_accident(path: Path) -> None:
    """UsageError (exit 2) when this runner is root but must not run jobs as root: see
    `runner.privileges.root_refusal`. Called by `run`, `run-job` and the daemon."""
    from runner.privileges import root_refusal

    if effective_uid() != 0:
        return
    try:
        owner: int | None = path.parent.stat().st_uid
    except OSError:
        owner = None
    from runner.definitions.permscan import SystemAccounts

    name = SystemAccounts.user_name(owner) if owner is not None else "?"
    reason = root_refusal(euid=0, environ=os.environ, state_dir_owner=owner, owner_name=name)
    if reason is not None:
        raise UsageError(reason)


def read_state(path: Path) -> StateData:
    """The state as a reader sees it (no lock); empty when there is none yet."""
    data, warnings = load_state(path)
    for warning in warnings:
        get_logger("jobrunner").warning("state", code=warning.code, message=warning.message)
    return data


def load_for(options: GlobalOptions, last_clean: str | None) -> tuple[Loaded, JobTypeRegistry]:
    """Load the definitions (with the last-clean fallback and the permission check of the
    commands that run jobs) and the job types."""
    registry = default_registry()
    loaded = load(
        options.jobs_dir,
        timezone=options.timezone,
        registry=registry,
        last_clean=last_clean,
        permissions=policy_for(options.allow_insecure_permissions),
        permissions_uid=runner_uid(options),
    )
    return loaded, registry


def runner_uid(options: GlobalOptions) -> int | None:
    """Whose view the permission check takes: the owner of the state directory (the runner's
    user, so that `status` by a monitoring user judges like the runner), else this process's."""
    try:
        return state_path(options)[0].parent.stat().st_uid
    except OSError:
        return None


def print_diagnostics(diagnostics: list[Diagnostic], stream: TextIO | None = None) -> None:
    """Print findings the way `lint` does in text form (`file:line:col: error[code]: ...`), to
    `stream` or the current `sys.stderr` (looked up now: a test may have replaced it)."""
    stream = sys.stderr if stream is None else stream
    for diagnostic in diagnostics:
        level = "error" if diagnostic.is_error else "warning"
        print(
            f"{diagnostic.location()}: {level}[{diagnostic.code}]: {diagnostic.message}",
            file=stream,
        )
        if diagnostic.hint:
            print(f"    hint: {diagnostic.hint}", file=stream)


def refuse_unloadable(loaded: Loaded, stream: TextIO | None = None) -> int:
    """Print the errors of definitions that do not load (and no clean revision replaces) and
    one closing line saying so, as `run` does; returns exit code 2 (SPEC §4)."""
    stream = sys.stderr if stream is None else stream
    errors = [d for d in loaded.diagnostics if d.is_error]
    print_diagnostics(errors, stream)
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    print(
        f"jobrunner: the definitions do not load ({count}) and no clean revision can stand in; "
        "fix them (`jobrunner lint` checks them)",
        file=stream,
    )
    return 2


def report_load_problems(loaded: Loaded) -> None:
    """Log what is wrong with the definitions and what runs instead."""
    log = get_logger("jobrunner")
    for problem in loaded.problems:
        log.warning("definitions", problem=problem)
    errors = [d for d in loaded.diagnostics if d.is_error]
    if errors:
        for diagnostic in errors:
            log.error(
                "definitions.invalid",
                where=diagnostic.location(),
                code=diagnostic.code,
                message=diagnostic.message,
                hint=diagnostic.hint,
            )
        if loaded.fallback:
            log.error("definitions.degraded", running=loaded.fallback[:7], errors=len(errors))


def age(at: datetime | None, now: datetime) -> str:
    """`3m ago`, `in 12m`, `-` — a short human age."""
    if at is None:
        return "-"
    seconds = int((now - at).total_seconds())
    words = rough_duration(timedelta(seconds=seconds))
    return f"{words} ago" if seconds >= 0 else f"in {words}"


def duration_arg(text: str) -> timedelta:
    """argparse type for durations (`90s`, `15m`, `1h30m`, ...)."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        from runner.durations import suggest_duration

        guess = suggest_duration(text)
        meant = f" (did you mean {guess!r}?)" if guess else ""
        raise argparse.ArgumentTypeError(f"{exc}{meant}") from None


def unknown_job_message(name: str, known: Iterable[str]) -> str:
    """`jobrunner: unknown job 'x'`, with the closest names and where to see them all."""
    close = difflib.get_close_matches(name, list(known), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"jobrunner: unknown job {name!r}{hint} (`jobrunner status` lists the jobs)"


def timeout_arg(text: str) -> timedelta:
    """argparse type for a timeout: a duration of at least 1s (0 would kill every job at once)."""
    timeout = duration_arg(text)
    if timeout < timedelta(seconds=1):
        raise argparse.ArgumentTypeError(
            f"{text!r} is too short: a timeout is at least 1s (0 would kill every job at once)"
        )
    return timeout


def size_arg(text: str) -> str:
    """argparse type for a byte size such as `256M`: checked now, kept as written."""
    from runner.durations import parse_size

    try:
        parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


@contextmanager
def stop_on_signals(stop: StopRequest) -> Iterator[None]:
    """SIGTERM/SIGINT stop the running job (recorded as interrupted) and end the pass.

    Python runs the handler in the main thread between bytecodes only; a signal that arrives
    just before the executor's `poll()` blocks (or is caught by another thread) would wait for
    the job's next output or its end. The stop pipe as the wakeup fd ends that wait at once.
    """

    def handler(_signum: int, _frame: object) -> None:
        stop.request()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    previous_fd = signal.set_wakeup_fd(stop.wakeup_fd(), warn_on_full_buffer=False)
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        for sig, old in previous.items():
            signal.signal(sig, old)


def add_default_timeout(parser: argparse.ArgumentParser) -> None:
    """`--default-timeout`, shared by the commands that run jobs."""
    from runner.dispatch import DEFAULT_TIMEOUT

    parser.add_argument(
        "--default-timeout",
        type=timeout_arg,
        default=DEFAULT_TIMEOUT,
        metavar="DURATION",
        help="timeout of jobs without their own or a Defaults timeout (default 1h)",
    )
