"""Watching one running job: output, exit, timeout, stop requests, periodic ticks.

One `poll()` loop per job, no threads: it waits on the output pipe, a pidfd of the child and
the stop request's descriptor at once, and wakes for the deadline, the kill time and ticks.
When the group leader exits, what is left of its process group is killed (jobs may not
leave background processes behind), and the pipe is drained.
"""

from __future__ import annotations

import contextlib
import enum
import math
import os
import select
import signal
from collections.abc import Callable
from dataclasses import dataclass

from runner.clock import Clock
from runner.output import CappedOutput
from runner.stop import StopRequest

READ_CHUNK = 65536
NO_PIDFD_POLL_S = 0.05


class Ending(enum.Enum):
    """Why the runner ended a job (or did not)."""

    EXITED = "exited"
    """The job ended on its own."""
    TIMED_OUT = "timed out"
    """It exceeded its timeout: SIGTERM to the group, SIGKILL after the grace period."""
    STOPPED = "stopped"
    """The runner was asked to stop: SIGTERM to the group, SIGKILL after the grace period."""


@dataclass(frozen=True, slots=True)
class Watched:
    """What the watch saw: the wait status, why it ended, and whether SIGKILL was needed."""

    status: int
    ending: Ending
    killed: bool
    forced: bool = False
    """SIGKILL came at once, at a second stop request, not after the grace period."""


def kill_group(pgid: int, signum: int) -> None:
    """`killpg`, ignoring a group that is already gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


@dataclass(slots=True)
class Supervisor:
    """The watch over one child; `run()` returns when it has exited and the pipe is drained."""

    clock: Clock
    pid: int
    pipe: int
    sink: CappedOutput
    timeout_s: float
    grace_s: float
    drain_s: float = 2.0
    stop: StopRequest | None = None
    tick: Callable[[], None] | None = None
    tick_interval_s: float = 5.0
    ending: Ending = Ending.EXITED
    kill_at: float = math.inf
    killed: bool = False
    forced: bool = False
    status: int | None = None

    def run(self) -> Watched:
        """Watch until the child has exited and its output is read."""
        try:
            pidfd: int | None = os.pidfd_open(self.pid)
        except OSError:
            pidfd = None  # kernels before 5.3: poll waitpid instead
        poller = select.poll()
        poller.register(self.pipe, select.POLLIN)
        if pidfd is not None:
            poller.register(pidfd, select.POLLIN)
        if self.stop is not None:
            poller.register(self.stop.fileno(), select.POLLIN)
        try:
            self._loop(poller, pidfd)
        finally:
            if pidfd is not None:
                os.close(pidfd)
        assert self.status is not None
        return Watched(self.status, self.ending, self.killed, self.forced)

    def _loop(self, poller: select.poll, pidfd: int | None) -> None:
        start = self.clock.monotonic()
        deadline = start + self.timeout_s
        next_tick = start + self.tick_interval_s if self.tick else math.inf
        drain_until = math.inf
        pipe_open = True
        if self.stop is not None and self.stop.level:
            self._enforce(start, deadline)  # asked to stop before the job even started
        while pipe_open or self.status is None:
            now = self.clock.monotonic()
            wake = min(deadline if self.ending is Ending.EXITED else math.inf, self.kill_at)
            wake = min(wake, next_tick, drain_until)
            if pidfd is None and self.status is None:
                wake = min(wake, now + NO_PIDFD_POLL_S)
            wait_ms = None if wake == math.inf else max(0, math.ceil((wake - now) * 1000))
            pipe_open = self._events(poller, poller.poll(wait_ms), pidfd) and pipe_open
            if pidfd is None and self.status is None:
                self._reap(nohang=True)
            now = self.clock.monotonic()
            if self.status is None:
                self._enforce(now, deadline)
            elif drain_until == math.inf:
                drain_until = now + self.drain_s
            elif now >= drain_until:
                break  # something outside the group still holds the pipe: stop reading
            if now >= next_tick and self.tick is not None:
                self.tick()
                next_tick = now + self.tick_interval_s

    def _events(
        self, poller: select.poll, events: list[tuple[int, int]], pidfd: int | None
    ) -> bool:
        """Handle one poll's events; False once the output pipe reached end of file."""
        pipe_open = True
        for fd, _event in events:
            if fd == self.pipe:
                pipe_open = self._read(poller)
            elif fd == pidfd:
                poller.unregister(pidfd)
                self._reap()
            elif self.stop is not None:
                self.stop.drain()
                if self.tick is not None:
                    self.tick()  # let the runner note the stop request now, not at the tick
        return pipe_open

    def _read(self, poller: select.poll) -> bool:
        chunk = os.read(self.pipe, READ_CHUNK)
        if chunk:
            self.sink.write(chunk)
            return True
        poller.unregister(self.pipe)
        return False

    def _reap(self, *, nohang: bool = False) -> None:
        # The leader is a zombie until reaped, so its pid cannot be reused: kill the rest first.
        if nohang and os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            return
        kill_group(self.pid, signal.SIGKILL)
        _, self.status = os.waitpid(self.pid, 0)

    def _enforce(self, now: float, deadline: float) -> None:
        level = 0 if self.stop is None else self.stop.level
        if self.ending is Ending.EXITED and (level or now >= deadline):
            self.ending = Ending.STOPPED if level else Ending.TIMED_OUT
            kill_group(self.pid, signal.SIGTERM)
            self.kill_at = now + self.grace_s
        if not self.killed and (level >= 2 or now >= self.kill_at):
            kill_group(self.pid, signal.SIGKILL)
            self.killed = True
            self.forced = now < self.kill_at
            self.kill_at = math.inf


def reap_orphans() -> int:
    """As PID 1, collect exited children nobody waits for (orphans re-parented to us).

    Called only between jobs, when the executor waits for no child of its own.
    """
    reaped = 0
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid == 0:
            return reaped
        reaped += 1
