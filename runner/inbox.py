"""The one queue the daemon loop blocks on (STYLE.md: one reload path).

File events, SIGHUP, SIGTERM, pause changes and run requests from other shells all become a
small message in this inbox; the loop handles them one at a time between jobs. The loop is the
only consumer; any thread, and signal handlers, may produce.

Why `queue.SimpleQueue` is safe from a signal handler: Python runs signal handlers in the main
thread between bytecodes, possibly while that same thread is inside `get()`. `SimpleQueue.put`
is documented as reentrant (it never takes a lock that `get` could hold), and a blocked
`SimpleQueue.get(timeout=...)` is woken by the signal, runs the handler (which appends the
message) and then returns it. No self-pipe is needed.
"""

from __future__ import annotations

import queue
from collections import deque
from dataclasses import dataclass
from typing import Protocol


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
    """The real inbox: a `SimpleQueue` plus a consumer-side buffer for coalescing."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self._pending: deque[Message] = deque()

    def put(self, message: Message) -> None:
        """Queue `message` (reentrant: callable from a signal handler)."""
        self._queue.put(message)

    def get(self, timeout: float) -> Message | None:
        """The next message within `timeout` seconds (0 polls), reload requests coalesced."""
        if not self._pending:
            try:
                self._pending.append(self._queue.get(timeout=max(0.0, timeout)))
            except queue.Empty:
                return None
        self._drain()
        self._pending = deque(coalesce(list(self._pending)))
        return self._pending.popleft()

    def _drain(self) -> None:
        while True:
            try:
                self._pending.append(self._queue.get_nowait())
            except queue.Empty:
                return
