"""Host-wide problems: the daemon (mode daemon), the last `run` pass (mode cron), the
definitions, and a pause of job starts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from runner.check.model import Limits, Mode, Problem, moment, span
from runner.check.view import CheckInput, DaemonView, DefinitionsView
from runner.daemonfile import STALE_HEARTBEAT_S, Pause, Waiting
from runner.exitcodes import CheckState
from runner.passfile import FILE_NAME, PassRecord

STALE_HEARTBEAT = timedelta(seconds=STALE_HEARTBEAT_S)
CRITICAL = CheckState.CRITICAL


def is_alive(daemon: DaemonView, now: datetime) -> bool:
    """Not stopped, heartbeat fresh, and its pid not known to be gone."""
    fresh = daemon.heartbeat is not None and now - daemon.heartbeat <= STALE_HEARTBEAT
    return daemon.state != "stopped" and fresh and daemon.pid_alive is not False


def live_waiting(data: CheckInput, limits: Limits, now: datetime) -> tuple[Waiting, ...]:
    """The jobs waiting behind the daemon's running job, when a live daemon reports them."""
    daemon = data.daemon
    if limits.mode is not Mode.DAEMON or daemon is None or not is_alive(daemon, now):
        return ()
    return daemon.waiting


def daemon_problems(daemon: DaemonView | None, file: Path, now: datetime) -> list[Problem]:
    """Is a daemon running, alive, and running the newest definitions?"""
    if daemon is None:
        detail = (
            f"{file} does not exist: no `jobrunner run --forever` has run with this state "
            "(start the service, or use --mode cron if cron runs `jobrunner run`)"
        )
        return [Problem(CRITICAL, "daemon", "not running", detail)]
    found = _liveness(daemon, now)
    return found or _revision(daemon)  # a dead daemon's revisions are history


def _liveness(daemon: DaemonView, now: datetime) -> list[Problem]:
    who = f"pid {daemon.pid} on {daemon.hostname or 'an unknown host'}"
    beat = f"at {moment(daemon.heartbeat, now)}"
    if daemon.state == "stopped":
        detail = f"{who} stopped; its last heartbeat was {beat}"
        return [Problem(CRITICAL, "daemon", "stopped", detail, daemon.heartbeat)]
    if daemon.heartbeat is None or now - daemon.heartbeat > STALE_HEARTBEAT:
        detail = (
            f"last heartbeat {beat}, older than {span(STALE_HEARTBEAT)}: {who} is hung or gone "
            "(systemctl status jobrunner)"
        )
        return [Problem(CRITICAL, "daemon", "heartbeat stale", detail, daemon.heartbeat)]
    if daemon.pid_alive is False:
        detail = f"{who} no longer exists (last heartbeat {beat}); the daemon died"
        return [Problem(CRITICAL, "daemon", "not running", detail, daemon.heartbeat)]
    return []


def _revision(daemon: DaemonView) -> list[Problem]:
    errors = _errors_text(daemon.reload_errors)
    if daemon.state == "invalid-definitions":
        detail = f"the definitions do not load and no clean revision exists, no job runs{errors}"
        return [Problem(CRITICAL, "daemon", "runs no jobs", detail)]
    if daemon.degraded:
        dirty = " with uncommitted changes" if daemon.newest_dirty else ""
        if daemon.loaded_revision is None:  # not a git work tree: no revisions to name
            detail = (
                "runs the definitions it loaded before because the current ones do not load"
                f"{errors}"
            )
            return [Problem(CRITICAL, "daemon", "runs old definitions", detail)]
        detail = (
            f"runs the older revision {_short(daemon.loaded_revision)} because the newest "
            f"{_short(daemon.newest_revision)}{dirty} does not load{errors}"
        )
        return [Problem(CRITICAL, "daemon", "runs an old revision", detail)]
    return []


def definitions_problems(
    view: DefinitionsView, jobs_dir: Path, last_pass: PassRecord | None = None
) -> list[Problem]:
    """The definitions in the jobs directory do not load (what runs instead, if anything;
    in mode cron the last pass tells when the check itself cannot read git)."""
    if not view.errors:
        return []
    if view.runnable:
        runs = f"the last clean revision {_short(view.running_revision)} runs instead"
    elif last_pass is not None and last_pass.degraded and last_pass.revision:
        runs = f"the last pass ran the last clean revision {_short(last_pass.revision)}"
    else:
        why = f" ({view.why_not})" if view.why_not else ""
        runs = f"no clean revision can be loaded either{why}, so no job runs"
    detail = f"{jobs_dir} does not load, {runs} (jobrunner lint){_errors_text(view.errors)}"
    return [Problem(CRITICAL, "definitions", "do not load", detail)]


def pass_problems(data: CheckInput, limits: Limits, now: datetime) -> list[Problem]:
    """Mode cron: has a `jobrunner run` pass finished recently? A pass that is busy (a job's
    process is alive) or started a job within --max-pass-age counts as alive too, so a long
    pass of many jobs is not mistaken for a dead crontab."""
    last, file = data.last_pass, data.state_dir / FILE_NAME
    if data.busy is not None:
        return []
    started = [s.last_attempt for s in data.states.values() if s.last_attempt is not None]
    if started and now - max(started) <= limits.max_pass_age and last is not None:
        return []
    if last is None:
        detail = (
            f"{file} does not exist: no `jobrunner run` pass has finished with this state "
            "(is `jobrunner run` in the crontab, with the same --state-file?)"
        )
        return [Problem(CRITICAL, "runner", "has recorded no pass", detail)]
    if now - last.finished <= limits.max_pass_age:
        return []
    detail = (
        f"the last `jobrunner run` pass finished at {moment(last.finished, now)}, longer ago "
        f"than --max-pass-age {span(limits.max_pass_age)} (is cron running it?)"
    )
    return [Problem(CRITICAL, "runner", "has finished no recent pass", detail, last.finished)]


def pause_problem(pause: Pause | None) -> list[Problem]:
    """A WARNING while job starts are paused on this host: who, since when, why."""
    if pause is None:
        return []
    detail = f"job starts are {pause.describe()} (jobrunner resume)"
    return [Problem(CheckState.WARNING, "jobrunner", "paused", detail, pause.at)]


def _short(revision: str | None) -> str:
    return revision[:7] if revision else "(unknown)"


def _errors_text(errors: tuple[str, ...]) -> str:
    if not errors:
        return ""
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f": {errors[0]}{more}"
