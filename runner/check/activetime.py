"""Time during which a period was active, integrated over the period's own changes.

A job whose period is closed for the weekend is not late over the weekend: only active time
counts towards "overdue". Each step asks the period for its `next_change`, so the cost is
one step per opening or closing, not per minute, and everything is computed on UTC instants
(datetimes that share a zone subtract by wall clock, which is wrong across DST changes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runner.planner import Period

MAX_STEPS = 10_000
"""Openings and closings looked at before giving up (a period flipping every minute for a
week); the answer is then "not crossed", never a wrong instant."""


def active_crossing(
    period: Period, start: datetime, amount: timedelta, until: datetime
) -> datetime | None:
    """The instant at which `period` has been active for `amount` counted from `start`, if
    that instant lies before `until`; None otherwise (or when `amount` is not reached within
    MAX_STEPS changes)."""
    at = start.astimezone(UTC)
    end_of_search = until.astimezone(UTC)
    remaining = amount
    active = period.is_active(at)
    for _ in range(MAX_STEPS):
        if at >= end_of_search:
            return None
        change = period.next_change(at)
        end = end_of_search if change is None else min(change.astimezone(UTC), end_of_search)
        if active:
            if remaining <= end - at:
                crossing = at + remaining
                return crossing if crossing < end_of_search else None
            remaining -= end - at
        at = end
        active = not active
    return None


def active_time(period: Period, start: datetime, end: datetime) -> timedelta:
    """How long `period` was active in [start, end) (at most MAX_STEPS changes looked at)."""
    at = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    total = timedelta(0)
    active = period.is_active(at)
    for _ in range(MAX_STEPS):
        if at >= stop:
            break
        change = period.next_change(at)
        step_end = stop if change is None else min(change.astimezone(UTC), stop)
        if active:
            total += step_end - at
        at = step_end
        active = not active
    return total
