"""What `jobrunner check` decides: problems, performance data, the result, and its limits.

Plain values; `runner.check.evaluate` builds them and `runner.check.render` formats them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from runner.exitcodes import CheckState
from runner.state.timefmt import format_instant

DEFAULT_GRACE = timedelta(minutes=30)
DEFAULT_WARN_WAIT = timedelta(minutes=15)
DEFAULT_MAX_PASS_AGE = timedelta(minutes=15)
INTERRUPTIONS_CRITICAL = 3
"""An interrupted last run is a WARNING; this many interruptions in a row are CRITICAL."""


class Mode(enum.Enum):
    """How jobs are started on the host, and so what proves that the runner is alive."""

    DAEMON = "daemon"
    """`jobrunner run --forever`: `daemon.json`'s heartbeat, pid and revisions are checked."""

    CRON = "cron"
    """`jobrunner run` from cron or a timer: the age of `last_pass.json` is checked."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The thresholds of a check (the command-line options)."""

    mode: Mode = Mode.DAEMON
    grace: timedelta = DEFAULT_GRACE
    """A job is overdue when due for longer than max(interval, grace) of active period time."""
    warn_wait: timedelta = DEFAULT_WARN_WAIT
    """WARNING when a job waits behind the daemon's running job for longer than this."""
    warn_failures: int = 1
    """WARNING from this many consecutive failures or timeouts of a job."""
    crit_failures: int = 1
    """CRITICAL from this many consecutive failures or timeouts of a job."""
    max_pass_age: timedelta = DEFAULT_MAX_PASS_AGE
    """`--mode cron`: CRITICAL when the last `run` pass finished longer ago than this."""
    job: str | None = None
    """Check this job only (`--job`); host-wide checks are left to the check without it."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing an on-call engineer should know about, with how bad it is."""

    state: CheckState
    subject: str
    """A job name, or `daemon`, `runner`, `definitions`, `pause`."""
    what: str
    """A few words for the status line: `failed`, `overdue`, `heartbeat stale`, ..."""
    detail: str
    """One sentence for the long output, saying since when."""
    since: datetime | None = None
    error: str | None = None
    """The job's `last_error` message."""
    output: str | None = None
    """The output file of the job's last run."""

    @property
    def short(self) -> str:
        """`backup failed`, as the status line lists it."""
        return f"{self.subject} {self.what}"


@dataclass(frozen=True, slots=True)
class Perf:
    """One performance-data item: `label=value[unit];warn;crit;min`."""

    label: str
    value: int | float
    unit: str = ""
    warn: str = ""
    crit: str = ""
    minimum: str = "0"

    def render(self) -> str:
        """The item in Nagios plugin syntax."""
        value = round(self.value, 3) if isinstance(self.value, float) else self.value
        return f"{self.label}={value}{self.unit};{self.warn};{self.crit};{self.minimum}"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of a check: the worst state, a summary, problems, perfdata, notes."""

    state: CheckState
    summary: str
    problems: tuple[Problem, ...] = ()
    perfdata: tuple[Perf, ...] = ()
    notes: tuple[str, ...] = field(default=())
    """Context lines after the problems in the long output (paths, revision)."""


def unknown(message: str) -> CheckResult:
    """The UNKNOWN result for usage and read errors."""
    return CheckResult(CheckState.UNKNOWN, message)


def seconds(delta: timedelta) -> int:
    """Whole seconds of a span, never negative (a clock skew reads as 0)."""
    return max(int(delta.total_seconds()), 0)


def span(delta: timedelta) -> str:
    """`47m`, `3h12m`, `2d4h`, `12s`: a short human duration."""
    total = seconds(delta)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def moment(when: datetime | None, now: datetime) -> str:
    """`2026-11-25T07:00:00.000Z (47m ago)`, for the long output."""
    if when is None:
        return "an unknown time"
    return f"{format_instant(when)} ({span(now - when)} ago)"
