"""A real clock whose monotonic time stands still until a job's output says it is ready.

A test of a short job timeout (0.2 s, 0.5 s) must not race the job's start: on a loaded
machine a shell or a Python worker may need longer than the timeout to reach the point the
test is about (a `trap`, a child process). With this clock the timeout counts from the moment
the job printed `marker`, an event the executor itself observes (it reads the output pipe and
writes the output file before it looks at the clock again).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from runner.clock import SystemClock


class ClockFromMarker:
    """`SystemClock`, except that `monotonic()` holds its first value until `output` contains
    `marker`, and runs on from there (it never goes backwards)."""

    def __init__(self, output: Path, marker: bytes) -> None:
        self._real = SystemClock()
        self._output = output
        self._marker = marker
        self._held: float | None = None
        self._offset: float | None = None

    def now(self) -> datetime:
        """The real current instant."""
        return self._real.now()

    def monotonic(self) -> float:
        """The first reading until the marker appeared, then that plus the real time since."""
        real = self._real.monotonic()
        if self._held is None:
            self._held = real
        if self._offset is None:
            if not self._has_marker():
                return self._held
            self._offset = real - self._held
        return real - self._offset

    def _has_marker(self) -> bool:
        try:
            return self._marker in self._output.read_bytes()
        except FileNotFoundError:
            return False
