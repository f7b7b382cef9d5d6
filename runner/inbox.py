"""The one queue the daemon loop blocks on (STYLE.md: one reload path).

File events, SIGHUP, SIGTERM, pause changes and run requests from other shells all become a
small message in this inbox; the loop handles them one at a time between jobs. The loop is the
only consumer; any thread, and signal handlers, may produce.

Why a self-pipe: Python runs a signal's handler in the main thread, but only between bytecodes.
When the kernel runs the C-level handler in another thread (watcher threads), or in the main
thread just before it blocks in a C-level wait, nothing interrupts that wait: a blocked
`queue.SimpleQueue.get(timeout=60)` went on for its full minute before the daemon noticed a
SIGTERM. So `get` waits on a pipe instead, `put` writes a byte to it, and the daemon hands the
pipe to `signal.set_wakeup_fd` (`wakeup_fd()`), so that any signal ends the wait at once; the
Python handler then runs before `get` looks at the messages again.
"""

from __future__ import annotations

import contextlib
import math
import os
import select
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from runner.clock import monotonic


@dataclass(frozen=True, slots=True)
class ReloadRequested:
    """Rescan the definitions (a file changed, SIGHUP, the root was replaced)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Stop:
    """Stop the daemon: gracefully, or (`immediate`, a second SIGTERM) killing the job at once."""

    immediate: bool


@dataclass(frozen=True, slots=True)
class RunRequested:
    """A request file `requests/<request_id>.json` appeared (`jobrunner run-job` while a
    daemon runs): look at the request directory on the next turn."""

    request_id: str


@dataclass(frozen=True, slots=True)
class PauseChanged:
    """`pause.json` in the state directory was written or removed: re-read it."""


@dataclass(frozen=True, slots=True)
class Wake:
    """Re-plan now (nothing else to do; e.g. a child was reaped or a test wants a turn)."""


Message = ReloadRequested | Stop | RunRequested | PauseChanged | Wake


class Inbox(Protocol):
    """Where producers put messages and the daemon loop waits for them."""

    def put(self, message: Message) -> None:
        """Queue `message`; never blocks, safe from any thread and from signal handlers."""
        ...

    def get(self, timeout: float) -> Message | None:
        """The next message, waiting at most `timeout` seconds; None when none came."""
        ...


def coalesce(messages: list[Message]) -> list[Message]:
    """`messages` with every `ReloadRequested` merged into the first one, in its place.

    One rescan covers every change made before it starts, so reload requests queued behind
    another one add nothing. The merged reason lists the distinct reasons in order; the other
    messages keep their order.
    """
    reasons = [m.reason for m in messages if isinstance(m, ReloadRequested)]
    if len(reasons) < 2:
        return messages
    merged: ReloadRequested | None = ReloadRequested("; ".join(dict.fromkeys(reasons)))
    out: list[Message] = []
    for message in messages:
        if not isinstance(message, ReloadRequested):
            out.append(message)
        elif merged is not None:
            out.append(merged)
            merged = None
    return out


class QueueInbox:
    """The real inbox: messages in a deque, a non-blocking pipe that wakes the waiting loop,
    and a consumer-side buffer for coalescing."""

    def __init__(self) -> None:
        self._incoming: deque[Message] = deque()
        self._pending: deque[Message] = deque()
        self._read_fd, self._write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._poller = select.poll()
        self._poller.register(self._read_fd, select.POLLIN)

    def put(self, message: Message) -> None:
        """Queue `message` (callable from any thread and from a signal handler)."""
        self._incoming.append(message)
        self._wake()

    def wakeup_fd(self) -> int:
        """The pipe's write end, for `signal.set_wakeup_fd`: a signal then ends a blocked
        `get` even when its handler could not run in the main thread yet."""
        return self._write_fd

    def get(self, timeout: float) -> Message | None:
        """The next message within `timeout` seconds (0 polls), reload requests coalesced."""
        deadline = monotonic() + max(0.0, timeout)
        while not self._pending and not self._incoming:
            left = deadline - monotonic()
            if left <= 0 or not self._poller.poll(math.ceil(left * 1000)):
                return None
            self._drain_pipe()  # a signal's handler runs here at the latest, then we look again
        while self._incoming:
            self._pending.append(self._incoming.popleft())
        self._pending = deque(coalesce(list(self._pending)))
        return self._pending.popleft()

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError):  # a full pipe wakes the loop all the same
            os.write(self._write_fd, b"\0")

    def _drain_pipe(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._read_fd, 4096):
                pass
