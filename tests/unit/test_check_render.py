"""The plugin output of `jobrunner check` and the active-time integration it relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runner.check import CheckResult, Perf, Problem, render, unknown
from runner.check.activetime import active_crossing, active_time
from runner.exitcodes import CheckState
from runner.testing import ListPeriod

T0 = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


def hours(n: float) -> datetime:
    """T0 plus `n` hours."""
    return T0 + timedelta(hours=n)


def test_status_line_perfdata_and_one_line_per_problem() -> None:
    """Status and perfdata on the first line, one line per problem, then notes."""
    problem = Problem(
        CheckState.CRITICAL,
        "backup",
        "failed",
        "last run failed",
        error="rsync | exit\n12\tpartial",
        output="/var/lib/jobrunner/runs/backup/x.log",
    )
    result = CheckResult(
        CheckState.CRITICAL,
        "1 CRITICAL: backup failed",
        (problem,),
        (Perf("jobs", 3), Perf("duration", 1.23456, "s")),
        ("state: /var/lib/jobrunner/state.json",),
    )
    assert render(result).splitlines() == [
        "JOBRUNNER CRITICAL - 1 CRITICAL: backup failed | jobs=3;;;0 duration=1.235s;;;0",
        (
            "[CRITICAL] backup: last run failed; error: rsync / exit 12 partial; "
            "output: /var/lib/jobrunner/runs/backup/x.log"
        ),
        "state: /var/lib/jobrunner/state.json",
    ]


def test_unknown_has_no_perfdata_and_long_errors_are_cut() -> None:
    """UNKNOWN is one line; an error message longer than 300 characters is shortened."""
    assert render(unknown("cannot read x")) == "JOBRUNNER UNKNOWN - cannot read x"
    long = Problem(CheckState.WARNING, "a", "interrupted", "d", error="e" * 1000)
    line = render(CheckResult(CheckState.WARNING, "s", (long,))).splitlines()[1]
    assert line.endswith("e…")
    assert len(line) < 400


def test_active_crossing_skips_closed_time() -> None:
    """Open 0-1h and 5-7h: 90 minutes of active time from 0h are reached at 5h30."""
    period = ListPeriod([(hours(0), hours(1)), (hours(5), hours(7))])
    limit = timedelta(minutes=90)
    assert active_crossing(period, hours(0), limit, hours(8)) == hours(5.5)
    assert active_crossing(period, hours(0), limit, hours(5.5)) is None
    assert active_time(period, hours(0.5), hours(6)) == timedelta(hours=1.5)


def test_active_crossing_when_the_period_never_changes_again() -> None:
    """After the last change a period stays as it is: open for good, or closed for good."""
    open_for_good = ListPeriod([(hours(1), datetime(9999, 1, 1, tzinfo=UTC))])
    assert active_crossing(open_for_good, hours(0), timedelta(hours=2), hours(9)) == hours(3)
    closed = ListPeriod([(hours(0), hours(1))])
    assert active_crossing(closed, hours(0), timedelta(hours=2), hours(99)) is None
