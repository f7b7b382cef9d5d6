"""`jobrunner check` on the host, on a fake clock: the daemon (missing, stopped, stale,
dead, degraded), the last pass in mode cron, pauses, and definitions that do not load."""

from __future__ import annotations

from datetime import timedelta

from runner.check import BusyRun, DefinitionsView, Limits, Mode, Problem, evaluate
from runner.daemonfile import Pause
from runner.exitcodes import CheckState
from runner.passfile import PassRecord
from tests.unit.check_fixtures import NOW, alive_daemon, check_input, job, ran

CRON = Limits(mode=Mode.CRON)


def shorts(*problems: Problem) -> list[str]:
    """The `subject what` of each problem."""
    return [p.short for p in problems]


def test_missing_daemon_json_is_critical() -> None:
    """Mode daemon without daemon.json: CRITICAL, naming the file and the way out."""
    result = evaluate(check_input([job("a")], daemon=None), Limits(), NOW)
    assert result.state == CheckState.CRITICAL
    assert shorts(*result.problems) == ["daemon not running"]
    assert "/var/lib/jobrunner/daemon.json does not exist" in result.problems[0].detail
    assert "heartbeat_age" not in {p.label for p in result.perfdata}


def test_stopped_stale_and_dead_daemons_are_critical() -> None:
    """A stopped daemon, a heartbeat older than 3 minutes and a gone pid are each CRITICAL;
    a heartbeat of exactly 3 minutes is still fine."""
    cases = {
        "daemon stopped": alive_daemon(state="stopped"),
        "daemon heartbeat stale": alive_daemon(heartbeat=NOW - timedelta(seconds=181)),
        "daemon not running": alive_daemon(pid_alive=False),
    }
    for expected, daemon in cases.items():
        result = evaluate(check_input([job("a")], daemon=daemon), Limits(), NOW)
        assert shorts(*result.problems) == [expected]
        assert result.state == CheckState.CRITICAL
    edge = alive_daemon(heartbeat=NOW - timedelta(seconds=180))
    assert evaluate(check_input([job("a")], daemon=edge), Limits(), NOW).state == 0
    other_host = alive_daemon(pid_alive=None)
    assert evaluate(check_input([job("a")], daemon=other_host), Limits(), NOW).state == 0


def test_degraded_daemon_names_both_revisions_and_the_error() -> None:
    """A daemon on an older revision because the newest does not load is CRITICAL once (the
    definitions' own errors are not repeated)."""
    daemon = alive_daemon(
        degraded=True,
        newest_revision="fff9999aaa",
        reload_errors=("jobs/x.yaml:3:5: unknown key 'intervall'", "jobs/y.yaml:1:1: bad"),
    )
    definitions = DefinitionsView(("jobs/x.yaml:3:5: unknown key 'intervall'",), "abc1234def")
    data = check_input([job("a")], daemon=daemon, definitions=definitions)
    result = evaluate(data, Limits(), NOW)
    assert shorts(*result.problems) == ["daemon runs an old revision"]
    detail = result.problems[0].detail
    assert "older revision abc1234 because the newest fff9999 does not load" in detail
    assert "jobs/x.yaml:3:5: unknown key 'intervall' (+1 more)" in detail
    idle = alive_daemon(state="invalid-definitions", reload_errors=("a.yaml:1:1: bad",))
    result = evaluate(check_input([], daemon=idle), Limits(), NOW)
    assert shorts(*result.problems) == ["daemon runs no jobs"]


def test_degraded_daemon_outside_git_names_no_revisions() -> None:
    """Outside git the daemon has no revisions: the problem says it runs the definitions it
    loaded before (it said "the older revision (unknown) because the newest (unknown)")."""
    daemon = alive_daemon(
        degraded=True,
        loaded_revision=None,
        newest_revision=None,
        reload_errors=("b.yaml:2:1: invalid YAML",),
    )
    result = evaluate(check_input([job("a")], daemon=daemon), Limits(), NOW)
    assert result.state == CheckState.CRITICAL
    assert shorts(*result.problems) == ["daemon runs old definitions"]
    detail = result.problems[0].detail
    assert "(unknown)" not in detail
    assert "runs the definitions it loaded before because the current ones do not load" in detail
    assert "b.yaml:2:1: invalid YAML" in detail


def test_paused_warns_with_who_when_why_and_softens_overdue() -> None:
    """A pause is a WARNING saying who, since when and why; an overdue job is then a WARNING."""
    pause = Pause("alice@web1", NOW - timedelta(hours=3), "incident 42")
    states = {"a": ran(NOW - timedelta(hours=4))}
    result = evaluate(check_input([job("a")], states, pause=pause), Limits(), NOW)
    assert result.state == CheckState.WARNING
    assert shorts(*result.problems) == ["a overdue", "jobrunner paused"]
    assert result.problems[0].detail.endswith("; job starts are paused")
    paused = result.problems[1].detail
    assert paused == (
        "job starts are paused by alice@web1 since 2026-11-25T09:00:00.000Z: incident 42 "
        "(jobrunner resume)"
    )


def test_cron_mode_checks_the_last_pass_age() -> None:
    """Mode cron: no pass recorded and a pass older than --max-pass-age are CRITICAL; a recent
    pass is OK with pass_age perfdata; no daemon is looked at."""
    data = check_input([job("a")], daemon=None)
    assert shorts(*evaluate(data, CRON, NOW).problems) == ["runner has recorded no pass"]
    recent = PassRecord(NOW - timedelta(minutes=5), NOW - timedelta(minutes=4), "abc1234def")
    result = evaluate(check_input([job("a")], daemon=None, last_pass=recent), CRON, NOW)
    assert result.state == CheckState.OK
    assert result.summary == "1 jobs OK; last pass 4m ago, revision abc1234"
    assert [p.render() for p in result.perfdata][-1] == "pass_age=240s;;900;0"
    old = PassRecord(NOW - timedelta(minutes=20), NOW - timedelta(minutes=16))
    result = evaluate(check_input([job("a")], daemon=None, last_pass=old), CRON, NOW)
    assert shorts(*result.problems) == ["runner has finished no recent pass"]
    assert "--max-pass-age 15m" in result.problems[0].detail


def test_cron_mode_busy_pass_and_pause_do_not_alert_on_pass_age() -> None:
    """A pass busy with a long job, or a pause (paused passes record nothing), does not make
    an old last pass CRITICAL."""
    old = PassRecord(NOW - timedelta(hours=3), NOW - timedelta(hours=3))
    busy = BusyRun("long", NOW - timedelta(hours=2))
    result = evaluate(check_input([job("long")], daemon=None, last_pass=old, busy=busy), CRON, NOW)
    assert result.state == CheckState.OK
    assert result.summary.startswith("1 jobs OK; a pass runs long for 2h")
    pause = Pause("bob@web1", NOW - timedelta(hours=4))
    result = evaluate(check_input([job("a")], daemon=None, last_pass=old, pause=pause), CRON, NOW)
    assert shorts(*result.problems) == ["jobrunner paused"]
    assert any("not checked while paused" in note for note in result.notes)


def test_definitions_that_do_not_load_are_critical() -> None:
    """Errors in the tree are CRITICAL, saying what runs instead (or that nothing does)."""
    view = DefinitionsView(("jobs/a.yaml:2:1: bad",), "abc1234def")
    result = evaluate(check_input([job("a")], daemon=None, definitions=view), CRON, NOW)
    problem = next(p for p in result.problems if p.subject == "definitions")
    assert "the last clean revision abc1234 runs instead" in problem.detail
    assert problem.detail.endswith(": jobs/a.yaml:2:1: bad")
    nothing = DefinitionsView(("jobs/a.yaml:2:1: bad",), None, runnable=False)
    result = evaluate(check_input([], definitions=nothing), Limits(), NOW)
    assert shorts(*result.problems) == ["definitions do not load"]
    assert "no job runs" in result.problems[0].detail


def test_cron_mode_trusts_the_last_pass_when_the_check_cannot_read_git() -> None:
    """When the check cannot load a clean revision itself (git refuses its user), mode cron
    says which revision the last pass ran; without that it gives git's reason."""
    view = DefinitionsView(("a.yaml:1:1: bad",), None, False, "git: dubious ownership")
    ran = PassRecord(NOW - timedelta(minutes=2), NOW - timedelta(minutes=1), "abc1234def", True)
    result = evaluate(check_input([], daemon=None, definitions=view, last_pass=ran), CRON, NOW)
    assert "the last pass ran the last clean revision abc1234" in result.problems[0].detail
    result = evaluate(check_input([], daemon=None, definitions=view), CRON, NOW)
    detail = next(p.detail for p in result.problems if p.subject == "definitions")
    assert "(git: dubious ownership), so no job runs" in detail


def test_a_stopped_daemon_reports_no_stale_revision_but_the_tree_does() -> None:
    """A stopped daemon's old `degraded` is not repeated; the tree's own errors are reported,
    and uncommitted changes are named as such."""
    stopped = alive_daemon(state="stopped", degraded=True)
    view = DefinitionsView(("a.yaml:1:1: bad",), "abc1234def")
    result = evaluate(check_input([], daemon=stopped, definitions=view), Limits(), NOW)
    assert shorts(*result.problems) == ["daemon stopped", "definitions do not load"]
    dirty = alive_daemon(degraded=True, newest_dirty=True)
    result = evaluate(check_input([], daemon=dirty, definitions=view), Limits(), NOW)
    assert "newest abc1234 with uncommitted changes does not load" in result.problems[0].detail


def test_cron_mode_a_long_pass_that_still_starts_jobs_is_alive() -> None:
    """The last pass ended 3h ago, but a job started 5 minutes ago: the running pass is alive;
    once no job started for --max-pass-age either, it is CRITICAL."""
    old = PassRecord(NOW - timedelta(hours=3), NOW - timedelta(hours=3))
    states = {"a": ran(NOW - timedelta(minutes=5))}
    data = check_input([job("a")], states, daemon=None, last_pass=old)
    assert evaluate(data, CRON, NOW).state == CheckState.OK
    later = NOW + timedelta(minutes=20)
    assert shorts(*evaluate(data, CRON, later).problems) == ["runner has finished no recent pass"]
