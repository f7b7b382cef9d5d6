"""`jobrunner run --forever`: build the daemon's parts, wire signals and watchers, serve.

SIGTERM/SIGINT stop gracefully (the running job gets SIGTERM and the grace period; a second
signal kills it at once), SIGHUP reloads, and as PID 1 SIGCHLD wakes the loop to reap orphans.
Changes under the definitions directory and of `pause.json` / `requests/` in the state
directory wake the loop through the same inbox.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from runner.clock import SystemClock
from runner.commands.common import refuse_root_by_accident, state_path
from runner.daemon import Daemon
from runner.daemonfile import PAUSE_FILE
from runner.daemonparts import DaemonParts
from runner.definitions.permissions import policy_for
from runner.errors import UsageError
from runner.exitcodes import ExitCode
from runner.inbox import (
    Inbox,
    PauseChanged,
    QueueInbox,
    ReloadRequested,
    RunRequested,
    Stop,
    Wake,
)
from runner.jobtypes import default_registry
from runner.logconfig import configure_logging
from runner.memory import MemoryGuard
from runner.options import GlobalOptions
from runner.reload import Scanner
from runner.runrequests import is_request_name, requests_dir
from runner.sdnotify import SocketNotifier, WatchdogPinger
from runner.state import StateLockedError, StateStore
from runner.stop import StopRequest
from runner.subreaper import become_subreaper
from runner.watcher import DirectoryWatcher


def run_forever(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Run the daemon until SIGTERM/SIGINT or the memory guard (exit 0)."""
    configure_logging(verbose=options.verbose, log_format=options.log_format)
    try:
        memory = MemoryGuard.from_text(args.memory_limit)
    except ValueError as exc:
        raise UsageError(f"--memory-limit: {exc}") from None
    path, _origin = state_path(options)
    refuse_root_by_accident(path)
    become_subreaper()  # adopt what a job leaves in a session of its own, to kill it
    clock = SystemClock()
    try:
        store = StateStore.open(path, clock=clock)
    except StateLockedError as exc:
        print(
            f"jobrunner: {exc.held}; one daemon runs per state (`jobrunner status` shows it)",
            file=sys.stderr,
        )
        return int(ExitCode.USAGE)
    inbox, stop, registry = QueueInbox(), StopRequest(), default_registry()
    notifier = SocketNotifier.from_environ()
    requests_dir(path.parent).mkdir(mode=0o750, exist_ok=True)
    with store:
        parts = DaemonParts(
            store=store,
            clock=clock,
            inbox=inbox,
            scanner=Scanner(
                options.jobs_dir,
                timezone=options.timezone,
                registry=registry,
                permissions=policy_for(options.allow_insecure_permissions),
            ),
            registry=registry,
            notifier=notifier,
            memory=memory,
            stop=stop,
            default_timeout=args.default_timeout,
            pinger=WatchdogPinger.from_environ(notifier),
            reap_orphans=os.getpid() == 1,
        )
        with (
            daemon_signals(inbox, stop),
            DirectoryWatcher(options.jobs_dir, inbox),
            _state_watch(path.parent, inbox),
        ):
            code = Daemon(parts).serve()
    stop.close()
    return code


@contextmanager
def daemon_signals(inbox: QueueInbox, stop: StopRequest) -> Iterator[None]:
    """The daemon's signal handlers, which put their message into `inbox`; the inbox's pipe
    is the signal wakeup fd, so a signal ends the loop's wait at once (see `runner.inbox`)."""

    def on_stop(_signum: int, _frame: object) -> None:
        stop.request()
        inbox.put(Stop(immediate=stop.level >= 2))

    def on_hup(_signum: int, _frame: object) -> None:
        inbox.put(ReloadRequested("SIGHUP"))

    def on_child(_signum: int, _frame: object) -> None:
        inbox.put(Wake())

    handlers: dict[signal.Signals, Any] = {
        signal.SIGTERM: on_stop,
        signal.SIGINT: on_stop,
        signal.SIGHUP: on_hup,
    }
    if os.getpid() == 1:
        handlers[signal.SIGCHLD] = on_child
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
    previous_fd = signal.set_wakeup_fd(inbox.wakeup_fd(), warn_on_full_buffer=False)
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        for sig, old in previous.items():
            signal.signal(sig, old)


class _StateHandler:
    """Tells the loop when `pause.json` or a request file changes (watchdog thread)."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    def dispatch(self, event: Any) -> None:
        """watchdog's entry point."""
        if event.event_type in {"opened", "closed_no_write"}:
            return
        paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
        for text in paths:
            path = Path(text)
            if path.name == PAUSE_FILE:
                self._inbox.put(PauseChanged())
                return
            if path.parent.name == "requests" and is_request_name(path.name):
                self._inbox.put(RunRequested(path.name.removesuffix(".json")))
                return


@contextmanager
def _state_watch(state_dir: Path, inbox: Inbox) -> Iterator[None]:
    from watchdog.observers import Observer

    observer = Observer()
    handler = _StateHandler(inbox)
    observer.schedule(handler, str(state_dir), recursive=False)  # type: ignore[arg-type]
    observer.schedule(handler, str(requests_dir(state_dir)), recursive=False)  # type: ignore[arg-type]
    observer.start()
    try:
        yield
    finally:
        observer.stop()
        observer.join()
