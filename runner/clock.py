"""The one place that reads the clock or sleeps.

Everything else takes `now` as an argument or receives a `Clock`, so that the planner, the
time periods and the daemon loop can be driven by a fake clock in tests (`runner.testing`).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Where time comes from: wall-clock instants and a monotonic counter."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for durations and timeouts)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """`time.monotonic()`."""
        return time.monotonic()


def utcnow() -> datetime:
    """The current instant as an aware UTC datetime (for the thin shell: CLI defaults)."""
    return datetime.now(UTC)


def monotonic() -> float:
    """`time.monotonic()`, for code that measures durations outside the planner."""
    return time.monotonic()


def sleep(seconds: float) -> None:
    """`time.sleep()`; only the shell may wait on the clock."""
    time.sleep(seconds)
