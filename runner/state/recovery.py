"""Unfinished attempts at start-up (SPEC §3): kill what is left, record `interrupted`.

An attempt whose start was recorded but whose end was not means the runner died during the
run (SIGKILL, crash, power loss). If it happened during this boot, the job's process group
may still be running: it gets SIGTERM, a short grace, then SIGKILL. A recorded leader start
time guards against killing an unrelated process that inherited a recycled pid.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from datetime import datetime

from runner import clock
from runner.state.procinfo import clock_ticks, live_group_members, process_start_ticks
from runner.state.records import OpenAttempt
from runner.state.store import StateStore

POLL_S = 0.02
START_TOLERANCE_S = 2


@dataclass(frozen=True, slots=True)
class RecoveredAttempt:
    """An unfinished attempt that was closed as `interrupted` (it is a `FinishedRun`)."""

    job: str
    run_id: str
    killed: bool
    """Whether a leftover process group was found and killed."""
    error: str
    finished: datetime
    duration_s: float
    result: str = "interrupted"
    exit_code: int | None = None


def recover_unfinished(
    store: StateStore, now: datetime, *, grace_s: float = 2.0
) -> list[RecoveredAttempt]:
    """Close every open attempt of `store` as `interrupted`, killing same-boot leftovers.

    The records are buffered; call `store.sync()` (or the next `begin`) to make them durable.
    """
    recovered = []
    for name in sorted(store.data.jobs):
        state = store.job(name)
        if state is None or state.attempt is None:
            continue
        attempt = state.attempt
        killed, what = _resolve(attempt, store.boot_id, grace_s)
        outcome = RecoveredAttempt(
            job=name,
            run_id=attempt.run_id,
            killed=killed,
            error=f"the runner stopped during this run; {what}",
            finished=now,
            duration_s=max(0.0, (now - attempt.started).total_seconds()),
        )
        store.finish(name, outcome)
        recovered.append(outcome)
    return recovered


def _resolve(attempt: OpenAttempt, boot_id: str | None, grace_s: float) -> tuple[bool, str]:
    pgid = attempt.pgid or attempt.pid
    if pgid is None:
        return False, "the job had not started"
    if attempt.boot_id is None or attempt.boot_id != boot_id:
        return False, "the machine has rebooted since, nothing was left to kill"
    if _is_recycled(pgid, attempt.leader_start):
        return False, f"process id {pgid} now belongs to another process, nothing was killed"
    if not is_group_alive(pgid):
        return False, "nothing was left of its processes"
    kill_group(pgid, grace_s)
    return True, f"its leftover process group {pgid} was killed"


def _is_recycled(pgid: int, recorded: int | None) -> bool:
    """Whether the process now called `pgid` started at another time than the job's leader
    (recorded just after its spawn, so it may only be a little later than the real start)."""
    actual = process_start_ticks(pgid)
    if actual is None or recorded is None:
        return False  # the leader is gone; members left in its group keep the id reserved
    return abs(recorded - actual) > START_TOLERANCE_S * clock_ticks()


def is_group_alive(pgid: int) -> bool:
    """Whether a live (non-zombie) process is in process group `pgid`."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists but belongs to another user; /proc still tells whether it lives
    return bool(live_group_members(pgid))


def kill_group(pgid: int, grace_s: float) -> None:
    """SIGTERM the group, wait up to `grace_s` for it to go, then SIGKILL what is left and
    wait (up to `grace_s` again) until it is gone."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    until = clock.monotonic() + grace_s
    while clock.monotonic() < until:
        if not is_group_alive(pgid):
            return
        clock.sleep(POLL_S)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    until = clock.monotonic() + grace_s
    while is_group_alive(pgid) and clock.monotonic() < until:
        clock.sleep(POLL_S)  # SIGKILL is delivered asynchronously: return once it took effect
