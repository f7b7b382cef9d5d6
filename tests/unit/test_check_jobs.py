"""`jobrunner check` on jobs, on a fake clock: failures, interruptions, overdue across a
closed weekend, a DST day and a missed window, and waiting behind the daemon's job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from runner.check import Limits, evaluate
from runner.check.jobs import overdue
from runner.daemonfile import Waiting
from runner.exitcodes import CheckState
from runner.planner import JobTiming
from runner.state import OpenAttempt
from runner.timeperiods import TimePeriod
from tests.unit.check_fixtures import NOW, alive_daemon, check_input, job, ran

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = TimePeriod(ranges={"monday - friday": "09:00-17:00"}, timezone="Europe/Berlin")


def test_all_fine_is_ok_with_perfdata() -> None:
    """Jobs that succeeded on time and a live daemon give OK with counts and heartbeat age."""
    data = check_input([job("a"), job("b")], {"a": ran(NOW - timedelta(minutes=10))})
    result = evaluate(data, Limits(), NOW)
    assert result.state == CheckState.OK
    assert result.summary == "2 jobs OK; daemon pid 42 idle, heartbeat 5s ago, revision abc1234"
    perf = {p.label: p.render() for p in result.perfdata}
    assert perf["jobs"] == "jobs=2;;;0"
    assert perf["heartbeat_age"] == "heartbeat_age=5s;;180;0"
    assert perf["oldest_wait"] == "oldest_wait=0s;900;;0"


def test_failed_and_timed_out_runs_are_critical_with_error_and_output() -> None:
    """A failed and a timed-out last run are CRITICAL, naming the error and the output file."""
    states = {
        "a": ran(NOW - timedelta(minutes=5), "failure"),
        "b": ran(NOW - timedelta(minutes=5), "timeout", last_exit_code=None),
    }
    result = evaluate(check_input([job("a"), job("b")], states), Limits(), NOW)
    assert result.state == CheckState.CRITICAL
    assert result.summary == "2 CRITICAL: a failed, b timed out"
    first = result.problems[0]
    assert first.error == "disk full"
    assert first.output == "/var/lib/jobrunner/runs/a/20261125T070000.000Z-abcd.log"
    assert "exit 3; 1 in a row" in first.detail
    assert "no exit code" in result.problems[1].detail


def test_failure_thresholds_warn_then_crit() -> None:
    """With --warn-failures 2 --crit-failures 3: one failure is fine, two warn, three are
    critical."""
    limits = Limits(warn_failures=2, crit_failures=3)
    for count, expected in ((1, CheckState.OK), (2, CheckState.WARNING), (3, CheckState.CRITICAL)):
        state = ran(NOW - timedelta(minutes=5), "failure", consecutive_failures=count)
        result = evaluate(check_input([job("a")], {"a": state}), limits, NOW)
        assert result.state == expected, count


def test_interrupted_warns_and_three_in_a_row_are_critical() -> None:
    """An interrupted last run is a WARNING; the third interruption in a row is CRITICAL."""
    once = ran(NOW - timedelta(minutes=5), "interrupted", consecutive_interruptions=1)
    result = evaluate(check_input([job("a")], {"a": once}), Limits(), NOW)
    assert result.state == CheckState.WARNING
    assert result.problems[0].what == "interrupted"
    thrice = ran(NOW - timedelta(minutes=5), "interrupted", consecutive_interruptions=3)
    assert evaluate(check_input([job("a")], {"a": thrice}), Limits(), NOW).state == 2


def test_disabled_and_never_run_jobs_raise_nothing() -> None:
    """A disabled job's old failure and a job without state are not problems."""
    states = {"off": ran(NOW - timedelta(days=3), "failure")}
    data = check_input([job("off", disabled=True), job("new")], states)
    assert evaluate(data, Limits(), NOW).state == CheckState.OK


def test_overdue_without_period_starts_after_interval_plus_limit() -> None:
    """Last attempt 2h ago, interval 1h: due 1h ago, overdue only after max(1h, grace)."""
    state = ran(NOW - timedelta(hours=2))
    data = check_input([job("a")], {"a": state})
    assert evaluate(data, Limits(), NOW).state == CheckState.OK  # exactly at the limit
    later = NOW + timedelta(seconds=1)
    result = evaluate(
        check_input([job("a")], {"a": state}, daemon=alive_daemon(later)), Limits(), later
    )
    assert result.state == CheckState.CRITICAL
    assert result.problems[0].short == "a overdue"
    assert result.problems[0].since == NOW
    longer = Limits(grace=timedelta(hours=2))
    assert evaluate(data, longer, later).state == CheckState.OK


def test_closed_weekend_does_not_count_towards_overdue() -> None:
    """Last run Friday 16:30 in business hours: Monday 09:10 is not late, Monday 10:05 is,
    overdue since 10:00 (one hour of open office time after the Monday opening)."""
    friday = datetime(2026, 11, 20, 16, 30, tzinfo=BERLIN)
    office_job = job("report", timeperiod="office")
    timing = JobTiming(first_seen=friday - timedelta(days=9), last_attempt=friday)
    periods = {"office": OFFICE}
    limits = Limits(grace=timedelta(minutes=5))
    monday_early = datetime(2026, 11, 23, 9, 10, tzinfo=BERLIN)
    assert overdue(office_job, timing, periods, limits, monday_early) is None
    late = overdue(
        office_job, timing, periods, limits, datetime(2026, 11, 23, 10, 5, tzinfo=BERLIN)
    )
    assert late is not None
    assert late.due_since == datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    assert late.overdue_since == datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


def test_overdue_counts_real_hours_on_a_dst_day() -> None:
    """On the spring-forward Sunday a 01:00-05:00 Berlin period is open 3 real hours: with a
    limit of 2h45m the job is not overdue at 04:30 local (2.5h) and is from 03:45 UTC+2 on."""
    night = TimePeriod(ranges={"sunday": "01:00-05:00"}, timezone="Europe/Berlin")
    night_job = job("sweep", timedelta(hours=1), timeperiod="night")
    saturday = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 in Berlin
    timing = JobTiming(first_seen=saturday - timedelta(days=1), last_attempt=saturday)
    limits = Limits(grace=timedelta(hours=2, minutes=45))
    wall_clock_late = datetime(2026, 3, 29, 4, 30, tzinfo=BERLIN)  # 3.5h by wall clock
    assert overdue(night_job, timing, {"night": night}, limits, wall_clock_late) is None
    late = overdue(
        night_job, timing, {"night": night}, limits, datetime(2026, 3, 29, 2, 50, tzinfo=UTC)
    )
    assert late is not None
    assert late.due_since == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert late.overdue_since == datetime(2026, 3, 29, 2, 45, tzinfo=UTC)


def test_once_per_window_job_is_overdue_when_its_window_closes_unused() -> None:
    """A daily 03:00-04:00 window job with interval 1d is fine inside today's window and
    overdue from 04:00 when the window closed without a run."""
    nightly = TimePeriod(ranges={"monday - sunday": "03:00-04:00"}, timezone="UTC")
    window_job = job("backup", timedelta(days=1), timeperiod="nightly", once_per_window=True)
    yesterday = datetime(2026, 11, 24, 3, 0, 5, tzinfo=UTC)
    states = {"backup": ran(yesterday)}
    periods = {"nightly": nightly}
    inside = datetime(2026, 11, 25, 3, 30, tzinfo=UTC)
    data = check_input([window_job], states, periods, daemon=alive_daemon(inside))
    assert evaluate(data, Limits(), inside).state == CheckState.OK
    after = datetime(2026, 11, 25, 4, 1, tzinfo=UTC)
    data = check_input([window_job], states, periods, daemon=alive_daemon(after))
    result = evaluate(data, Limits(), after)
    assert result.state == CheckState.CRITICAL
    problem = result.problems[0]
    assert problem.since == datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
    assert "closed without a run" in problem.detail


def test_waiting_behind_the_running_job_warns_after_warn_wait() -> None:
    """A job due 20 minutes and waiting behind the daemon's job warns (15m); 10 minutes not."""
    states = {"a": ran(NOW - timedelta(minutes=70)), "long": ran(NOW - timedelta(hours=1))}
    for minutes, expected in ((10, CheckState.OK), (20, CheckState.WARNING)):
        since = NOW - timedelta(minutes=minutes)
        daemon = alive_daemon(
            state="running", current_job="long", waiting=(Waiting("a", "long", since),)
        )
        result = evaluate(
            check_input([job("a"), job("long")], states, daemon=daemon), Limits(), NOW
        )
        assert result.state == expected, minutes
        perf = {p.label: p.render() for p in result.perfdata}
        assert perf["waiting"] == "waiting=1;;;0"
        assert perf["oldest_wait"] == f"oldest_wait={minutes * 60}s;900;;0"
    assert result.problems[0].short == "a waits behind long"


def test_waiting_of_a_dead_daemon_is_not_trusted() -> None:
    """A stale daemon.json's waiting list raises no wait warning; the stale heartbeat does."""
    daemon = alive_daemon(
        heartbeat=NOW - timedelta(minutes=10),
        current_job="long",
        waiting=(Waiting("a", "long", NOW - timedelta(hours=1)),),
    )
    result = evaluate(check_input([job("a"), job("long")], daemon=daemon), Limits(), NOW)
    assert [p.short for p in result.problems] == ["daemon heartbeat stale"]


def test_one_job_only_and_unknown_job() -> None:
    """--job checks that job alone (not the missing daemon); an unknown name is UNKNOWN."""
    state = ran(NOW - timedelta(minutes=5), "failure", consecutive_failures=2)
    data = check_input([job("a"), job("b")], {"a": state}, daemon=None)
    result = evaluate(data, Limits(job="b"), NOW)
    assert (result.state, result.summary) == (CheckState.OK, "b OK: not run yet")
    result = evaluate(data, Limits(job="a", crit_failures=3), NOW)
    assert result.state == CheckState.WARNING
    perf = [p.render() for p in result.perfdata]
    assert perf[:2] == ["consecutive_failures=2;0;2;0", "duration=2.0s;;;0"]
    missing = evaluate(data, Limits(job="nope"), NOW)
    assert missing.state == CheckState.UNKNOWN
    assert "unknown job 'nope'" in missing.summary


def test_a_job_running_longer_than_its_interval_is_not_overdue() -> None:
    """A 1h job whose attempt started 3h ago and is still open (running) is not overdue."""
    started = NOW - timedelta(hours=3)
    attempt = OpenAttempt("r1", started, None, "boot", 4321, 4321, None)
    state = ran(started, "success", attempt=attempt)
    assert evaluate(check_input([job("a")], {"a": state}), Limits(), NOW).state == CheckState.OK
    finished = ran(started)
    assert evaluate(check_input([job("a")], {"a": finished}), Limits(), NOW).state == 2
