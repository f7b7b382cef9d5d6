"""The daemon's memory guard (issue 5): exit cleanly when RSS grew, so systemd restarts it.

After each job the loop asks `should_exit()`. The answer is yes only when the current RSS is
above the limit AND more than twice the RSS measured right after the last load: a large
definition set is not a leak, growth is. When the limit is below the post-load RSS, the guard
says so once (`take_notice()`) instead of asking for a restart that would find the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

from runner.durations import parse_size

RssProbe = Callable[[], int]
"""Returns the current resident set size in bytes."""

_STATM = Path("/proc/self/statm")


def current_rss(statm: Path = _STATM) -> int:
    """Current RSS in bytes: field 2 of `/proc/self/statm` (pages) times the page size.

    About 14 µs; unlike `getrusage`'s `ru_maxrss` (the peak) it goes down when memory is freed.
    Raises OSError where `/proc` is missing.
    """
    pages = int(statm.read_text(encoding="ascii").split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def format_bytes(size: int) -> str:
    """`size` in MiB with one decimal, for log lines: `312.5 MiB`."""
    return f"{size / (1 << 20):.1f} MiB"


class Verdict(NamedTuple):
    """The guard's answer: whether to exit, and why (empty when not)."""

    exit: bool
    reason: str


class Memory(Protocol):
    """The memory seam the daemon loop uses."""

    def rss(self) -> int:
        """The resident set size now, in bytes (as the guard measures it)."""
        ...

    def mark_loaded(self) -> None:
        """Record the RSS right after a (re)load of the definitions."""
        ...

    def should_exit(self) -> Verdict:
        """Whether the daemon should exit 0 now so that it gets restarted."""
        ...

    def take_notice(self) -> str | None:
        """A one-time message to log (the limit is below the post-load RSS), else None."""
        ...


class MemoryGuard:
    """`--memory-limit`: limit in bytes (0 disables the guard), RSS from `probe`."""

    def __init__(self, limit_bytes: int, probe: RssProbe = current_rss) -> None:
        self.limit_bytes = limit_bytes
        self._probe = probe
        self._loaded_rss: int | None = None
        self._notice: str | None = None
        self._noticed = False

    @classmethod
    def from_text(cls, limit: str, probe: RssProbe = current_rss) -> MemoryGuard:
        """A guard for a limit such as `256M` (`runner.durations.parse_size`; ValueError)."""
        return cls(parse_size(limit), probe)

    @property
    def loaded_rss(self) -> int | None:
        """RSS recorded by the last `mark_loaded()`, or None before the first load."""
        return self._loaded_rss

    def rss(self) -> int:
        """The resident set size now, in bytes (as the guard measures it)."""
        return self._probe()

    def mark_loaded(self) -> None:
        """Record the RSS now; note once if the limit is already below it."""
        self._loaded_rss = self._probe()
        if self.limit_bytes and self._loaded_rss > self.limit_bytes and not self._noticed:
            self._noticed = True
            self._notice = (
                f"the memory limit {format_bytes(self.limit_bytes)} is below the "
                f"{format_bytes(self._loaded_rss)} used right after loading the definitions; "
                "the daemon restarts only when its memory doubles. Raise --memory-limit"
            )

    def should_exit(self) -> Verdict:
        """Exit when RSS > limit and RSS > 2 x post-load RSS; never before the first load."""
        if not self.limit_bytes or self._loaded_rss is None:
            return Verdict(exit=False, reason="")
        rss = self._probe()
        if rss <= self.limit_bytes or rss <= 2 * self._loaded_rss:
            return Verdict(exit=False, reason="")
        return Verdict(
            exit=True,
            reason=(
                f"memory {format_bytes(rss)} exceeds the limit {format_bytes(self.limit_bytes)} "
                f"and is more than twice the {format_bytes(self._loaded_rss)} measured after "
                "the last load; exiting so that the service manager restarts the daemon"
            ),
        )

    def take_notice(self) -> str | None:
        """The limit-below-load message, once; None afterwards and when there is none."""
        notice, self._notice = self._notice, None
        return notice
