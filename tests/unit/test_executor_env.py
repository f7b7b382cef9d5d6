"""A job's environment and secrets: service variables removed, context added, values masked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from runner.clock import SystemClock
from runner.executor import Executor, Result
from runner.jobenv import base_environment
from runner.jobtypes.base import LaunchSpec
from runner.testing import FakeClock
from tests.unit.test_executor import T0, sh

RUNNER_ENV = {
    "PATH": "/usr/bin:/bin",
    "KEEP_ME": "1",
    "NOTIFY_SOCKET": "/run/systemd/notify",
    "WATCHDOG_USEC": "30000000",
    "WATCHDOG_PID": "1",
    "LISTEN_FDS": "1",
    "LISTEN_PID": "1",
    "INVOCATION_ID": "abc",
    "JOURNAL_STREAM": "8:1234",
}


def _environment_of_job(tmp_path: Path, **changes: object) -> dict[str, str]:
    output = tmp_path / "out.log"
    outcome = Executor(clock=FakeClock(T0), environ=RUNNER_ENV).run(
        sh(tmp_path, "env", output_path=output, **changes)
    )
    assert outcome.result is Result.SUCCESS
    lines = output.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_service_variables_are_removed() -> None:
    """NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*, INVOCATION_ID and JOURNAL_STREAM are dropped."""
    assert base_environment(RUNNER_ENV) == {"PATH": "/usr/bin:/bin", "KEEP_ME": "1"}


def test_job_sees_context_variables(tmp_path: Path) -> None:
    """The job gets the runner's variables, its own `env` and every JOBRUNNER_* variable."""
    spec = LaunchSpec(argv=("/bin/sh", "-c", "env"), cwd=tmp_path, env={"TARGET": "cmdb"})
    env = _environment_of_job(
        tmp_path,
        spec=spec,
        revision="0123abc",
        due_at=T0 - timedelta(minutes=1),
        last_success=T0 - timedelta(days=1),
        last_result="failure",
        work_dir=tmp_path / "work",
        timeout=timedelta(minutes=10),
    )
    assert env["KEEP_ME"] == "1"
    assert env["TARGET"] == "cmdb"
    assert "NOTIFY_SOCKET" not in env
    assert "WATCHDOG_USEC" not in env
    assert {k: v for k, v in env.items() if k.startswith("JOBRUNNER_")} == {
        "JOBRUNNER_JOB": "demo",
        "JOBRUNNER_RUN_ID": "r1",
        "JOBRUNNER_REVISION": "0123abc",
        "JOBRUNNER_DUE_AT": "2026-11-25T05:59:00.000Z",
        "JOBRUNNER_DEADLINE": "2026-11-25T06:10:00.000Z",
        "JOBRUNNER_LAST_SUCCESS": "2026-11-24T06:00:00.000Z",
        "JOBRUNNER_LAST_RESULT": "failure",
        "JOBRUNNER_WORK_DIR": str(tmp_path / "work"),
    }


def test_unknown_context_is_empty(tmp_path: Path) -> None:
    """A job never run before sees empty JOBRUNNER_LAST_* values (set, so `set -u` works)."""
    env = _environment_of_job(tmp_path)
    assert env["JOBRUNNER_LAST_SUCCESS"] == ""
    assert env["JOBRUNNER_LAST_RESULT"] == ""
    assert env["JOBRUNNER_REVISION"] == ""


def test_secrets_never_reach_the_outcome(tmp_path: Path) -> None:
    """Resolved secret values are masked in the error text and the output excerpt."""
    spec = LaunchSpec(
        argv=("/bin/sh", "-c", 'echo "login with $TOKEN failed"; exit 2'),
        cwd=tmp_path,
        env={"TOKEN": "s3cr3t-value"},
        secrets=frozenset({"s3cr3t-value"}),
    )
    outcome = Executor(clock=SystemClock()).run(sh(tmp_path, "", spec=spec))
    assert outcome.result is Result.FAILURE
    assert outcome.error == "exited with code 2: login with *** failed"
    assert outcome.excerpt == "login with *** failed"
    assert "s3cr3t-value" not in repr(outcome)


def test_secret_in_a_missing_program_name_is_masked(tmp_path: Path) -> None:
    """Even a start failure whose message would contain a secret is masked."""
    spec = LaunchSpec(argv=("/nonexistent/s3cr3t",), cwd=tmp_path, secrets=frozenset({"s3cr3t"}))
    outcome = Executor(clock=SystemClock()).run(sh(tmp_path, "", spec=spec))
    assert outcome.error is not None
    assert "s3cr3t" not in outcome.error
    assert "/nonexistent/***" in outcome.error
