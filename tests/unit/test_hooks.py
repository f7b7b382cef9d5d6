"""Failure and recovery hooks (runner.hooks): which hook runs, and how it runs."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from runner.clock import SystemClock
from runner.executor import Executor, Outcome, Result
from runner.hooks import (
    Finished,
    HookRunner,
    Streak,
    hook_event,
    hook_for,
    hook_output,
    output_tail,
)
from runner.logconfig import SECRETS
from runner.model import Defaults, HookDef, JobDef
from runner.state.runs import append_run_summary
from runner.stop import StopRequest

DUMP_ENV = "import json, os, sys; json.dump(dict(os.environ), open(sys.argv[1], 'w'))"


@pytest.mark.parametrize(
    ("result", "before", "event"),
    [
        (Result.FAILURE, Streak(0, 0), "on_failure"),
        (Result.TIMEOUT, Streak(0, 0), "on_failure"),
        (Result.FAILURE, Streak(1, 0), None),  # the streak was already announced
        (Result.FAILURE, Streak(2, 1), None),  # failure, then an interruption
        (Result.FAILURE, Streak(2, 2), "on_failure"),  # only interruptions before
        (Result.INTERRUPTED, Streak(0, 0), None),
        (Result.INTERRUPTED, Streak(3, 0), None),
        (Result.SUCCESS, Streak(3, 1), "on_recovery"),
        (Result.SUCCESS, Streak(1, 1), None),  # recovering from an interruption pages nobody
        (Result.SUCCESS, Streak(0, 0), None),
    ],
)
def test_hook_event_notifies_once_per_failure_streak(
    result: Result, before: Streak, event: str | None
) -> None:
    """on_failure opens a streak once; on_recovery closes it; interruptions are neither."""
    assert hook_event(result, before) == event


def job(name: str = "backup", **hooks: HookDef) -> JobDef:
    return JobDef(name=name, type="command", interval=timedelta(hours=1), settings={}, **hooks)


def test_the_jobs_own_hook_wins_over_defaults() -> None:
    """A job's on_failure replaces the Defaults one; without its own, Defaults applies."""
    own, common = HookDef(("own",)), HookDef(("common",))
    defaults = Defaults(on_failure=common, on_recovery=common)
    assert hook_for("on_failure", job(on_failure=own), defaults) is own
    assert hook_for("on_recovery", job(on_failure=own), defaults) is common
    assert hook_for("on_failure", job(), Defaults()) is None


def test_output_tail_drops_the_summary_masks_secrets_and_nul(tmp_path: Path) -> None:
    """The tail is the job's own last 4 KiB: no summary line, no NUL, secrets masked."""
    output = tmp_path / "run.log"
    output.write_bytes(b"x" * 10000 + b"token=hunter2-tail\x00 end\n")
    append_run_summary(output, {"job": "backup", "result": "failure"})
    SECRETS.add({"hunter2-tail"})
    tail = output_tail(output)
    assert tail.endswith("token=*** end\n")
    assert "[jobrunner]" not in tail
    assert len(tail.encode()) <= 4096
    assert output_tail(tmp_path / "missing.log") == ""


def finished(tmp_path: Path, result: Result, hook: HookDef, before: Streak) -> Finished:
    output = tmp_path / "runs" / "backup" / "20261125T060000.000Z-abcd.log"
    output.parent.mkdir(parents=True)
    output.write_text("starting\nERROR: disk full\n")
    at = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    outcome = Outcome(
        result=result,
        exit_code=3,
        error="exited with code 3: ERROR: disk full",
        started=at,
        finished=at + timedelta(seconds=2),
        duration_s=2.0,
        output_path=output,
        output_bytes=27,
        output_elided=0,
        excerpt="",
    )
    return Finished(job(on_failure=hook), "20261125T060000.000Z-abcd", outcome, before, "c0ffee")


def runner(tmp_path: Path, stop: StopRequest | None = None) -> HookRunner:
    environ = {"PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": "/run/x", "RUNNER_ONLY": "kept"}
    executor = Executor(clock=SystemClock(), environ=environ, grace=timedelta(seconds=1))
    return HookRunner(executor, Defaults(), tmp_path, stop)


def test_hook_runs_with_the_outcome_in_its_environment(tmp_path: Path) -> None:
    """The hook sees the result, exit code, error, output path and tail; its output is kept."""
    dump = tmp_path / "env.json"
    hook = HookDef((sys.executable, "-c", DUMP_ENV + "; print('paged')", str(dump)))
    run = finished(tmp_path, Result.FAILURE, hook, Streak())
    outcome = runner(tmp_path).after(run)
    assert outcome is not None
    assert outcome.result is Result.SUCCESS
    env = json.loads(dump.read_text())
    assert env["JOBRUNNER_HOOK"] == "on_failure"
    assert env["JOBRUNNER_JOB"] == "backup"
    assert env["JOBRUNNER_RESULT"] == "failure"
    assert env["JOBRUNNER_EXIT_CODE"] == "3"
    assert env["JOBRUNNER_RUN_ID"] == "20261125T060000.000Z-abcd"
    assert env["JOBRUNNER_ERROR"] == "exited with code 3: ERROR: disk full"
    assert env["JOBRUNNER_OUTPUT"] == str(run.outcome.output_path)
    assert env["JOBRUNNER_OUTPUT_TAIL"] == "starting\nERROR: disk full\n"
    assert env["JOBRUNNER_REVISION"] == "c0ffee"
    assert env["RUNNER_ONLY"] == "kept"
    assert "NOTIFY_SOCKET" not in env
    hook_file = hook_output(run.outcome.output_path)
    assert hook_file.name == "20261125T060000.000Z-abcd.hook.txt"
    assert hook_file.read_text() == "paged\n"


def test_a_failing_hook_is_logged_and_changes_nothing(tmp_path: Path) -> None:
    """A hook that times out is ended and logged as a hook failure."""
    hook = HookDef(("sleep", "30"), timeout=timedelta(seconds=0.2))
    run = finished(tmp_path, Result.TIMEOUT, hook, Streak())
    with capture_logs() as logs:
        outcome = runner(tmp_path).after(run)
    assert outcome is not None
    assert outcome.result is Result.TIMEOUT
    failed = [entry for entry in logs if entry["event"] == "hook.failed"]
    assert len(failed) == 1
    assert failed[0]["hook"] == "on_failure"
    assert "stays timeout" in failed[0]["hint"]


def test_no_hook_while_the_runner_stops(tmp_path: Path) -> None:
    """A stop request before the hook starts skips it (logged), so shutdown is not delayed."""
    stop = StopRequest()
    stop.request()
    hook = HookDef(("true",))
    try:
        with capture_logs() as logs:
            outcome = runner(tmp_path, stop).after(
                finished(tmp_path, Result.FAILURE, hook, Streak())
            )
    finally:
        stop.close()
    assert outcome is None
    assert [entry["event"] for entry in logs] == ["hook.skipped"]


def test_no_hook_for_a_repeated_failure(tmp_path: Path) -> None:
    """The second failure of a streak runs nothing."""
    hook = HookDef(("false",))
    assert runner(tmp_path).after(finished(tmp_path, Result.FAILURE, hook, Streak(1, 0))) is None
