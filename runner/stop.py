"""A request to stop the running job, safe to make from a signal handler or another thread."""

from __future__ import annotations

import contextlib
import os


class StopRequest:
    """Ask the executor to stop the job it is running.

    The first `request()` sends SIGTERM to the job's process group and SIGKILL after the
    grace period (the run is recorded as `interrupted`); a second one, or
    `request(kill_now=True)`, sends SIGKILL at once. Wakes the executor through a pipe, so the
    request takes effect immediately, also from a signal handler.
    """

    def __init__(self) -> None:
        self._level = 0
        self._read_fd, self._write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    @property
    def level(self) -> int:
        """0: no request; 1: stop gracefully; 2: kill now."""
        return self._level

    def request(self, *, kill_now: bool = False) -> None:
        """Ask for a stop; repeated (or `kill_now`), ask for SIGKILL without grace."""
        self._level = 2 if kill_now else min(self._level + 1, 2)
        with contextlib.suppress(BlockingIOError):
            os.write(self._write_fd, b"!")

    def fileno(self) -> int:
        """A descriptor that becomes readable when a request is made."""
        return self._read_fd

    def wakeup_fd(self) -> int:
        """The pipe's write end, for `signal.set_wakeup_fd`: a signal then wakes the executor's
        wait even before its Python handler (which makes the request) could run."""
        return self._write_fd

    def drain(self) -> None:
        """Consume the wake-up bytes (the executor does this)."""
        with contextlib.suppress(BlockingIOError):
            while os.read(self._read_fd, 64):
                pass

    def clear(self) -> None:
        """Forget the requests (before the next job, when the runner keeps going)."""
        self._level = 0
        self.drain()

    def close(self) -> None:
        """Release the pipe."""
        os.close(self._read_fd)
        os.close(self._write_fd)
