"""What /proc says about this boot and about a process (Linux)."""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path

BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")


@cache
def clock_ticks() -> int:
    """Clock ticks per second (`SC_CLK_TCK`), asked once, on first use: `os.sysconf` is
    POSIX-only, and this module is imported by commands that also run on Windows."""
    return os.sysconf("SC_CLK_TCK")


def current_boot_id(path: Path = BOOT_ID_PATH) -> str | None:
    """The kernel's boot id (changes at every boot), or None where there is none."""
    try:
        return path.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def boot_clock_ticks() -> int:
    """Now, in clock ticks since boot: the unit of a process's start time in /proc.

    Recorded right after a job is spawned, it stamps the job's process-group leader without
    reading /proc (which waits for the child's exec to finish). Used only to recognise a
    process later, never for scheduling, hence not through `runner.clock`.
    """
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * clock_ticks())


def _stat_fields(pid: int | str) -> list[bytes] | None:
    """The fields of /proc/PID/stat from the state (field 3) on, or None without one. The
    command name (field 2) may contain spaces and parentheses: split after the last ')'."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2 :].split()


def process_start_ticks(pid: int) -> int | None:
    """When `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat), or None."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields is not None and len(fields) > 19 else None


def process_state(pid: int) -> str | None:
    """`pid`'s state letter (`R`, `S`, `Z` for a zombie, `X` dead, ...), or None where it has
    no /proc entry (gone, or a system without /proc)."""
    fields = _stat_fields(pid)
    return fields[0].decode("ascii", "replace") if fields else None


def has_exited(pid: int) -> bool:
    """Whether `pid` has exited and only waits to be reaped (state Z or X)."""
    return process_state(pid) in ("Z", "X")


def _processes() -> list[tuple[int, list[bytes]]]:
    """Every process's pid and stat fields, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(entry.name)
            if fields is not None and len(fields) > 2:
                found.append((int(entry.name), fields))
    return found


def live_group_members(pgid: int) -> list[int]:
    """Pids of the processes in group `pgid` that are not zombies (a zombie is already dead
    and only waits for its parent, or for an init that does not reap, to collect it)."""
    return [pid for pid, fields in _processes() if int(fields[2]) == pgid and fields[0] != b"Z"]


def children_of(ppid: int) -> list[int]:
    """Pids of the processes whose parent is `ppid` (found by scanning /proc)."""
    return [pid for pid, fields in _processes() if int(fields[1]) == ppid]
