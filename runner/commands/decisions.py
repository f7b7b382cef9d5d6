"""`--verbose` for `run`: one log line per job saying why it runs now or why not."""

from __future__ import annotations

import logging
from datetime import datetime

from runner.logconfig import get_logger
from runner.planner import DueJob, Planner


def log_decisions(planner: Planner, due: list[DueJob], now: datetime) -> None:
    """Log the verdict of every planned job at debug level (shown with `--verbose`).

    Due jobs come first, in run order, with the instant they became due; then every other
    job, by name, with the planner's reason and when it is due next. Costs nothing unless
    debug logging is on.
    """
    log = get_logger("jobrunner")
    if not log.is_enabled_for(logging.DEBUG):
        return
    chosen = {item.name for item in due}
    for position, item in enumerate(due, 1):
        verdict = planner.verdict(item.name, now)
        reason = verdict.reason if verdict.due else f"due within the slack ({verdict.reason})"
        log.debug("job.due", job=item.name, order=position, due_at=_iso(item.due_at), reason=reason)
    for name in sorted(set(planner.names()) - chosen):
        verdict = planner.verdict(name, now)
        log.debug("job.not_due", job=name, reason=verdict.reason, next_due=_iso(verdict.due_at))


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")
