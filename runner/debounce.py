"""Turn a burst of file events into one callback (ecosystem notes §4.3).

`Burst` is the pure rule: fire `quiet_s` after the last poke, but no later than `max_wait_s`
after the first (an endless stream of events still reloads every few seconds). `Debouncer`
runs it on its own thread, so pokes from watchdog's thread cost a lock and a notify. While
`is_held()` is true (git holds `.git/index.lock`) firing waits, at most `hold_max_s`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from runner import clock
from runner.logconfig import get_logger

HOLD_RECHECK_S = 0.02


@dataclass
class Burst:
    """The pure debounce state: times are monotonic seconds."""

    quiet_s: float
    max_wait_s: float
    first: float | None = None
    last: float | None = None
    pokes: int = 0

    def poke(self, now: float) -> None:
        """Record an event at `now`."""
        if self.first is None:
            self.first = now
        self.last = now
        self.pokes += 1

    def deadline(self) -> float | None:
        """When to fire, or None when nothing is pending."""
        if self.first is None or self.last is None:
            return None
        return min(self.last + self.quiet_s, self.first + self.max_wait_s)

    def take(self) -> int:
        """Forget the burst (it fired); return how many pokes it had."""
        pokes, self.first, self.last, self.pokes = self.pokes, None, None, 0
        return pokes


class Debouncer:
    """Calls `callback(pokes)` once per burst of `poke()` calls, on a thread of its own."""

    def __init__(
        self,
        callback: Callable[[int], None],
        *,
        quiet_s: float = 0.1,
        max_wait_s: float = 3.0,
        is_held: Callable[[], bool] = lambda: False,
        hold_max_s: float = 10.0,
    ) -> None:
        self._callback = callback
        self._burst = Burst(quiet_s, max_wait_s)
        self._is_held = is_held
        self._hold_max_s = hold_max_s
        self._cv = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="jobrunner-debouncer", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (a pending burst is dropped) and wait for it."""
        with self._cv:
            self._stopped = True
            self._cv.notify()
        if self._thread.is_alive():
            self._thread.join()

    def poke(self) -> None:
        """Note an event; cheap enough for watchdog's dispatch thread."""
        with self._cv:
            self._burst.poke(clock.monotonic())
            self._cv.notify()

    def _run(self) -> None:
        while (pokes := self._wait_for_burst()) is not None:
            if self._waited_for_hold():
                self._requeue(pokes)
                continue
            try:
                self._callback(pokes)
            except Exception:  # noqa: BLE001 - a failing callback must not end the thread
                get_logger("jobrunner").exception("reload hint could not be delivered")

    def _wait_for_burst(self) -> int | None:
        with self._cv:
            while not self._stopped:
                deadline = self._burst.deadline()
                if deadline is not None and deadline <= clock.monotonic():
                    return self._burst.take()
                self._cv.wait(None if deadline is None else deadline - clock.monotonic())
            return None

    def _waited_for_hold(self) -> bool:
        """Wait while held; True when the hold was released (fire after a fresh quiet period)."""
        if not self._is_held():
            return False
        give_up = clock.monotonic() + self._hold_max_s
        with self._cv:
            while not self._stopped and self._is_held():
                if clock.monotonic() >= give_up:
                    get_logger("jobrunner").warning(
                        "git index.lock still exists; reloading anyway", waited_s=self._hold_max_s
                    )
                    return False
                self._cv.wait(HOLD_RECHECK_S)
        return True

    def _requeue(self, pokes: int) -> None:
        with self._cv:
            self._burst.poke(clock.monotonic())
            self._burst.pokes += pokes - 1
