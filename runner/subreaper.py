"""Processes a job leaves behind in a session of their own (`setsid`, a daemon's double fork).

Killing the job's process group (`runner.supervise`) catches `cmd &` children, but not a
descendant that started its own session: it leaves the group and, once its parent exits, is
re-parented away from the runner. As a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`) the
runner adopts such orphans instead of init, and after each job it kills the process groups
of adopted children that are not in the runner's own session (its own `git` calls are) and
reaps them. Elsewhere, or if the kernel refuses, this is a no-op.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from runner.state.procinfo import children_of, process_state

PR_SET_CHILD_SUBREAPER = 36
MAX_ROUNDS = 8
"""Killing one escaped group can orphan more (its own escaped children); bounded repeats."""
EXIT_WAIT_S = 1.0

_enabled = False


@dataclass(frozen=True, slots=True)
class Escaped:
    """An adopted process that was killed: pid and command name."""

    pid: int
    name: str


def become_subreaper() -> bool:
    """Make this process adopt orphaned descendants (Linux); True if it now does."""
    global _enabled  # noqa: PLW0603 - one process-wide kernel setting, mirrored here
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        _enabled = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        _enabled = False
    return _enabled


def is_subreaper() -> bool:
    """Whether `become_subreaper` succeeded in this process."""
    return _enabled


def kill_escaped(job_group: int) -> list[Escaped]:
    """Kill and reap the adopted children outside this process's session (SIGKILL to each one's
    process group, as for the job's own group); returns them. Members of `job_group` (the
    job's own group, already killed) are only reaped. Call right after a job ended, when no
    other job of the runner is running."""
    if not _enabled:
        return []
    own_session = os.getsid(0)
    killed: list[Escaped] = []
    for _ in range(MAX_ROUNDS):
        found = [pid for pid in _children() if _session(pid) not in (own_session, None)]
        if not found:
            break
        for pid in found:
            if _group(pid) == job_group or process_state(pid) in (None, "Z", "X"):
                continue  # killed with the job's group, or already dead: only reap it
            killed.append(Escaped(pid, _name(pid)))
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(os.getpgid(pid), signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for pid in found:
            _reap(pid)
    return killed


def _children() -> list[int]:
    """This process's children, from /proc: those of the main thread (where orphans are
    re-parented) and of the calling thread (which started the job)."""
    pid, tid = os.getpid(), threading.get_native_id()
    pids: list[int] = []
    for task in {pid, tid}:
        try:
            pids.extend(int(word) for word in _read(f"/proc/{pid}/task/{task}/children").split())
        except FileNotFoundError:
            return children_of(pid)  # a kernel without CONFIG_PROC_CHILDREN
        except (OSError, ValueError):
            continue
    return sorted(set(pids))


def _read(path: str) -> str:
    return Path(path).read_text(encoding="ascii")


def _session(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except (ProcessLookupError, PermissionError):
        return None


def _group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def _reap(pid: int) -> None:
    """Wait (bounded) for a killed child to exit and collect it."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        pidfd = None
    if pidfd is not None:
        try:
            select.select([pidfd], [], [], EXIT_WAIT_S)
        finally:
            os.close(pidfd)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
