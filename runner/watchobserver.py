"""The watchdog side of `runner.watcher`: one observer, a root watch and a parent watch.

Falls back from inotify to polling when the kernel refuses more watches or instances
(`OSError` ENOSPC "inotify watch limit reached", EMFILE "inotify instance limit reached"), and
says so in the log with the sysctl to raise.
"""

from __future__ import annotations

import contextlib
import errno
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runner.logconfig import get_logger

ObserverFactory = Callable[[bool, float], Any]
"""(polling, poll_interval_s) -> a not yet started watchdog observer."""

_LIMIT_ERRORS = frozenset({errno.ENOSPC, errno.EMFILE, errno.ENFILE, errno.ENOSYS})


def make_observer(polling: bool, poll_interval_s: float) -> Any:
    """watchdog's inotify observer, or its polling observer."""
    if polling:
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=poll_interval_s)
    from watchdog.observers import Observer

    return Observer()


class RootWatches:
    """Owns the observer; (re)schedules the recursive root watch and the parent watch."""

    def __init__(self, root: Path, factory: ObserverFactory, poll_interval_s: float) -> None:
        self._root = root
        self._factory = factory
        self._poll_interval_s = poll_interval_s
        self._lock = threading.RLock()
        self._observer: Any = None
        self._root_watch: Any = None
        self._root_args: tuple[Path, Any] | None = None
        self._parent_handler: Any = None
        self.polling = False

    def start(self, *, polling: bool) -> None:
        """Create and start the observer (inotify unless `polling`)."""
        with self._lock:
            self.polling = polling
            try:
                self._observer = self._factory(polling, self._poll_interval_s)
                self._observer.start()
            except OSError as exc:
                self._fall_back(exc)

    def stop(self) -> None:
        """Stop the observer and wait for its threads."""
        with self._lock:
            observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join()

    def watch_parent(self, handler: Any) -> None:
        """Watch the root's parent directory, non-recursively, with `handler`."""
        with self._lock:
            self._parent_handler = handler
            self._schedule(handler, self._root.parent, recursive=False)

    def watch_root(self, resolved: Path, handler: Any) -> None:
        """Watch the resolved root recursively with `handler` (replacing an earlier watch)."""
        with self._lock:
            self._root_args = (resolved, handler)
            self._root_watch = self._schedule(handler, resolved, recursive=True)

    def unwatch_root(self) -> None:
        """Drop the root watch (the directory went away or was replaced)."""
        with self._lock:
            watch, self._root_watch, self._root_args = self._root_watch, None, None
            if watch is not None and self._observer is not None:
                with contextlib.suppress(KeyError, OSError):
                    self._observer.unschedule(watch)

    def _schedule(self, handler: Any, path: Path, *, recursive: bool) -> Any:
        if self._observer is None:
            return None
        try:
            return self._observer.schedule(handler, str(path), recursive=recursive)
        except OSError as exc:
            if exc.errno in _LIMIT_ERRORS and not self.polling:
                self._fall_back(exc)
                return self._root_watch if recursive else None
            get_logger("jobrunner").debug("not watched", path=str(path), error=str(exc))
            return None

    def _fall_back(self, exc: OSError) -> None:
        get_logger("jobrunner").warning(
            "inotify unavailable; polling the definitions directory instead",
            error=str(exc),
            poll_interval_s=self._poll_interval_s,
            hint="raise fs.inotify.max_user_watches / max_user_instances, or use --watch=poll",
        )
        old, self._observer = self._observer, None
        if old is not None:
            with contextlib.suppress(RuntimeError):
                old.stop()
        self.polling = True
        self._root_watch = None
        self._observer = self._factory(True, self._poll_interval_s)
        self._observer.start()
        if self._parent_handler is not None:
            self._schedule(self._parent_handler, self._root.parent, recursive=False)
        if self._root_args is not None:
            resolved, handler = self._root_args
            self._root_watch = self._schedule(handler, resolved, recursive=True)
