"""Watch the definitions directory as a hint source: any change becomes one ReloadRequested.

Events are hints only; the daemon always rescans the whole tree (inotify queues overflow, git
deletes and recreates files). What is watched (ecosystem notes §4.4):
- the resolved root, recursively: every change except inside `.git` pokes the debouncer
  (hidden names such as a ConfigMap's `..data` swap count too);
- the root's parent, non-recursively: the root being replaced, removed, created, or a symlink
  swap (`current -> releases/N`) re-arms the watch at once;
- a safety check every `check_every_s`: when the root's identity (realpath, st_dev, st_ino)
  changed, e.g. because a symlink higher up was swapped, re-arm and request a reload.
Handlers run on watchdog's thread and only poke or set an event. A burst fires once, after a
quiet period (and not while `.git/index.lock` exists, bounded). When inotify fails (limits:
ENOSPC, EMFILE) the watcher logs it and polls instead.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from runner.debounce import Debouncer
from runner.fingerprint import root_identity
from runner.gitdir import index_lock_path
from runner.inbox import Inbox, ReloadRequested
from runner.logconfig import get_logger
from runner.watchobserver import ObserverFactory, RootWatches, make_observer

_NOISE = frozenset({"opened", "closed_no_write"})


class WatchMode(enum.Enum):
    """How the daemon notices changes (`--watch`)."""

    INOTIFY = "inotify"
    """Kernel events (sub-millisecond); falls back to POLL when inotify limits are hit."""
    POLL = "poll"
    """Snapshot the tree every `poll_interval_s` (NFS, CIFS, FUSE: no inotify events there)."""
    OFF = "off"
    """No watching: reload only on SIGHUP."""


class Watcher(Protocol):
    """Turns changes of the definitions directory into ReloadRequested messages."""

    def start(self) -> None:
        """Begin watching."""
        ...

    def stop(self) -> None:
        """Stop watching and join the threads."""
        ...

    def __enter__(self) -> Self:
        """Start; return self."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        ...


class _Handler:
    """A watchdog handler that calls `action` for relevant events; nothing else on its thread."""

    def __init__(self, action: Callable[[], None], accept: Callable[[Any], bool]) -> None:
        self._action, self._accept = action, accept

    def dispatch(self, event: Any) -> None:
        """watchdog's entry point."""
        if event.event_type not in _NOISE and self._accept(event):
            self._action()


def _is_outside_git(event: Any) -> bool:
    paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
    return not any(".git" in Path(p).parts for p in paths if p)


class DirectoryWatcher:
    """The real `Watcher` for a definitions directory (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        inbox: Inbox,
        *,
        mode: WatchMode = WatchMode.INOTIFY,
        quiet_s: float = 0.1,
        max_wait_s: float = 3.0,
        check_every_s: float = 1.0,
        poll_interval_s: float = 1.0,
        hold_max_s: float = 10.0,
        observer_factory: ObserverFactory = make_observer,
    ) -> None:
        self.root = Path(root).absolute()
        self.mode = mode
        self._inbox = inbox
        self._check_every_s = check_every_s
        self._reason = f"files changed under {self.root}"
        self._debouncer = Debouncer(
            self._deliver,
            quiet_s=quiet_s,
            max_wait_s=max_wait_s,
            is_held=self._is_git_writing,
            hold_max_s=hold_max_s,
        )
        self._watches = RootWatches(self.root, observer_factory, poll_interval_s)
        self._kick = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._check_loop, name="jobrunner-rewatch")
        self._identity: tuple[str, int, int] | None = None

    @property
    def active_mode(self) -> WatchMode:
        """The mode in use: INOTIFY may have fallen back to POLL."""
        if self.mode is WatchMode.OFF:
            return WatchMode.OFF
        return WatchMode.POLL if self._watches.polling else self.mode

    def start(self) -> None:
        """Arm the watches and start the observer, debouncer and safety-check threads."""
        if self.mode is WatchMode.OFF:
            return
        self._watches.start(polling=self.mode is WatchMode.POLL)
        self._watches.watch_parent(_Handler(self._kick.set, self._names_root))
        self._identity = root_identity(self.root)
        self._arm(self._identity)
        self._debouncer.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop every thread this watcher started; idempotent."""
        self._stopping.set()
        self._kick.set()
        if self._thread.is_alive():
            self._thread.join()
        self._debouncer.stop()
        self._watches.stop()

    def __enter__(self) -> Self:
        """Start; return self."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()

    def _names_root(self, event: Any) -> bool:
        name = self.root.name
        paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
        return any(Path(p).name == name for p in paths if p)

    def _arm(self, identity: tuple[str, int, int] | None) -> None:
        if identity is not None:
            self._watches.watch_root(Path(identity[0]), _Handler(self._poke, _is_outside_git))

    def _poke(self) -> None:
        self._debouncer.poke()

    def _check_loop(self) -> None:
        while not self._stopping.is_set():
            self._kick.wait(self._check_every_s)
            self._kick.clear()
            if not self._stopping.is_set():
                self._check_identity()

    def _check_identity(self) -> None:
        identity = root_identity(self.root)
        if identity == self._identity:
            return
        get_logger("jobrunner").info(
            "definitions directory replaced; watching it again",
            root=str(self.root),
            resolved=None if identity is None else identity[0],
        )
        self._watches.unwatch_root()
        self._identity = identity
        self._arm(identity)
        self._inbox.put(ReloadRequested(f"definitions directory {self.root} replaced"))

    def _is_git_writing(self) -> bool:
        lock = index_lock_path(self.root)
        return lock is not None and lock.exists()

    def _deliver(self, pokes: int) -> None:
        self._inbox.put(ReloadRequested(self._reason))
        get_logger("jobrunner").debug("reload requested", root=str(self.root), events=pokes)
