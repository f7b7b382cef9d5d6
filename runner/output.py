"""A job's output file, capped: the head and the tail are kept, the middle is elided.

The executor reads the job's stdout+stderr pipe and writes here. The first half of the cap
goes straight to the file; everything after it passes through a tail buffer of bounded size,
so a job that prints gigabytes costs the runner at most about twice the tail in memory.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_CAP = 1024 * 1024
EXCERPT_BYTES = 2048
FILE_MODE = 0o640
DIR_MODE = 0o750


def make_dirs(directory: Path, mode: int = DIR_MODE) -> None:
    """`mkdir -p` that gives every level it creates `mode` (SPEC §5: 0750): the parents that
    `Path.mkdir(parents=True)` creates get the umask's default, 0777 under umask 000."""
    missing: list[Path] = []
    while not directory.exists() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for level in reversed(missing):
        level.mkdir(mode=mode, exist_ok=True)


class CappedOutput:
    """Write-only sink for one run's output; call `close()` to write the kept tail."""

    def __init__(self, path: Path, cap: int = DEFAULT_CAP) -> None:
        self.path = path
        self.total = 0
        """Bytes the job wrote, including the elided ones."""
        self.elided = 0
        self._head_limit = cap // 2
        self._tail_limit = max(cap - self._head_limit, EXCERPT_BYTES)
        self._head_written = 0
        self._recent = bytearray()
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_APPEND
        try:
            self._fd = os.open(path, flags, FILE_MODE)
        except FileNotFoundError:  # a job's first run: create `runs/<job>/` (0750)
            make_dirs(path.parent)
            self._fd = os.open(path, flags, FILE_MODE)

    def write(self, chunk: bytes) -> None:
        """Take one chunk of output."""
        self.total += len(chunk)
        room = self._head_limit - self._head_written
        if room > 0:
            head = chunk[:room]
            os.write(self._fd, head)
            self._head_written += len(head)
        self._recent += chunk
        if len(self._recent) > 2 * self._tail_limit:
            del self._recent[: -self._tail_limit]

    def excerpt(self, limit: int = EXCERPT_BYTES) -> bytes:
        """The last `limit` bytes of the output (for the log and `last_error`)."""
        return bytes(self._recent[-limit:])

    def close(self) -> None:
        """Write what follows the head: all of it, or a marker and the last part (idempotent)."""
        if self._fd < 0:
            return
        rest = self.total - self._head_written
        try:
            if rest > self._tail_limit:
                self.elided = rest - self._tail_limit
                marker = f"\n[jobrunner: {self.elided} bytes of output elided]\n".encode()
                os.write(self._fd, marker + bytes(self._recent[-self._tail_limit :]))
            elif rest > 0:
                os.write(self._fd, bytes(self._recent[-rest:]))
        finally:
            os.close(self._fd)
            self._fd = -1
