"""Public fakes for the seams (STYLE.md): a clock you advance by hand and a period given as
an explicit list of intervals. Tests of jobrunner and of plugins may use them."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from runner.inbox import Inbox, Message, ReloadRequested, Stop, coalesce
from runner.stop import StopRequest


class FakeClock:
    """A clock that only moves when told to; `now()` and `monotonic()` move together."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._monotonic = 1000.0

    def now(self) -> datetime:
        """The fake current instant (UTC)."""
        return self._now

    def monotonic(self) -> float:
        """Seconds that advance with `advance` but not with `set` (a wall-clock step)."""
        return self._monotonic

    def advance(self, delta: timedelta) -> None:
        """Let `delta` of time pass."""
        self._now += delta
        self._monotonic += delta.total_seconds()

    def set(self, at: datetime) -> None:
        """Step the wall clock to `at` (forwards or backwards), as NTP or an operator might."""
        self._now = at.astimezone(UTC)


class ListPeriod:
    """A period that is active on explicit half-open UTC intervals (sorted, disjoint)."""

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]]) -> None:
        self._intervals = sorted((a.astimezone(UTC), b.astimezone(UTC)) for a, b in intervals)
        self._edges = [edge for pair in self._intervals for edge in pair]

    def is_active(self, at: datetime) -> bool:
        """Whether `at` lies in one of the intervals."""
        return bisect.bisect_right(self._edges, at.astimezone(UTC)) % 2 == 1

    def segments(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The intervals clipped to [start, end)."""
        return [(max(a, start), min(b, end)) for a, b in self._intervals if a < end and b > start]

    def next_change(self, after: datetime) -> datetime | None:
        """The first edge strictly after `after`, or None."""
        index = bisect.bisect_right(self._edges, after.astimezone(UTC))
        return self._edges[index] if index < len(self._edges) else None


class FakeInbox:
    """An inbox that never blocks: `get` returns a queued message or, when empty, lets the
    optional `FakeClock` advance by the timeout and returns None. `waits` records every
    timeout the loop asked for (0 for a poll). Reload requests coalesce as in
    `runner.inbox.QueueInbox`."""

    def __init__(
        self,
        clock: FakeClock | None = None,
        *,
        stop_at: datetime | None = None,
        stop: StopRequest | None = None,
    ) -> None:
        self._messages: list[Message] = []
        self._clock = clock
        self._stop_at = stop_at
        self._stop = stop
        self.waits: list[float] = []

    def put(self, message: Message) -> None:
        """Queue `message`."""
        self._messages.append(message)

    def get(self, timeout: float) -> Message | None:
        """The next message, or None after advancing the clock by `timeout`.

        With `stop_at`, the clock never passes that instant: a wait that would end there
        requests `stop` (like SIGTERM) and returns `Stop`, so a daemon loop ends on its own.
        """
        self.waits.append(timeout)
        if self._messages:
            self._messages = coalesce(self._messages)
            return self._messages.pop(0)
        if self._clock is None or timeout <= 0:
            return None
        step = timedelta(seconds=timeout)
        if self._stop_at is not None and self._clock.now() + step > self._stop_at:
            self._clock.advance(max(timedelta(0), self._stop_at - self._clock.now()))
            if self._stop is not None:
                self._stop.request()
            return Stop(immediate=False)
        self._clock.advance(step)
        return None


class FakeNotifier:
    """A `runner.sdnotify.Notifier` that records each message as a tuple of lines."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, ...]] = []

    def notify(self, *lines: str) -> bool:
        """Record `lines`; always succeeds."""
        self.messages.append(lines)
        return True

    def lines(self) -> list[str]:
        """Every line sent so far, in order."""
        return [line for message in self.messages for line in message]


class FakeRss:
    """An RSS probe for `runner.memory.MemoryGuard`: returns `value`, which tests set."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __call__(self) -> int:
        """The current fake RSS in bytes."""
        return self.value


class FakeWatcher:
    """A `runner.watcher.Watcher` for loop tests: `change()` stands for a file event burst."""

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox
        self.started = False
        self.stopped = False

    def start(self) -> None:
        """Note that the loop started watching."""
        self.started = True

    def stop(self) -> None:
        """Note that the loop stopped watching."""
        self.stopped = True

    def __enter__(self) -> FakeWatcher:
        """Start; return self."""
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop."""
        self.stop()

    def change(self, reason: str = "files changed") -> None:
        """Deliver one ReloadRequested, as a debounced burst of file events would."""
        self._inbox.put(ReloadRequested(reason))
