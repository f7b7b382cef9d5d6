"""Python job types in a worker child: success, reported failure, crash, stop, bad setup."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

from runner.clock import SystemClock
from runner.executor import Executor, Outcome, Result, RunRequest
from runner.jobtypes.base import LaunchContext
from runner.jobtypes.python import WORKER_SPEC_VARIABLE, PythonJobType
from runner.model import JobDef, Source
from runner.stop import StopRequest
from tests.unit import pyjobtypes

REPO = Path(__file__).parents[2]


def _run(
    tmp_path: Path, job_type: PythonJobType, settings: dict[str, str], **kw: object
) -> Outcome:
    job = JobDef(
        name="demo",
        type=job_type.name,
        interval=timedelta(hours=1),
        settings=settings,
        source=Source("jobs/demo.yaml", 1),
    )
    (tmp_path / "jobs").mkdir(exist_ok=True)
    spec = job_type.launch(job, LaunchContext(root=tmp_path, environ={}))
    (tmp_path / "work").mkdir(exist_ok=True)
    req = RunRequest(
        job="demo",
        run_id="r7",
        spec=spec,
        timeout=timedelta(seconds=30),
        output_path=tmp_path / "out.log",
        work_dir=tmp_path / "work",
    )
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    return Executor(clock=SystemClock(), environ=environ, **kw).run(req)  # type: ignore[arg-type]


def test_launch_starts_the_worker() -> None:
    """`launch` runs this interpreter's `runner.worker` with type, class and settings."""
    job = JobDef(name="demo", type="greeter", interval=timedelta(hours=1), settings={"who": "x"})
    spec = pyjobtypes.Greeter().launch(job, LaunchContext(root=Path("/defs"), environ={}))
    assert spec.argv == (sys.executable, "-m", "runner.worker")
    assert spec.cwd == Path("/defs")
    assert json.loads(spec.env[WORKER_SPEC_VARIABLE]) == {
        "type": "greeter",
        "factory": "tests.unit.pyjobtypes:Greeter",
        "settings": {"who": "x"},
        "root": "/defs",
    }


def test_success_with_context(tmp_path: Path) -> None:
    """`run` returning is success; it sees settings, logger, run id, deadline and work dir."""
    outcome = _run(tmp_path, pyjobtypes.Greeter(), {"who": "ops"})
    assert outcome.result is Result.SUCCESS, outcome.excerpt
    assert "INFO hello ops from demo" in (tmp_path / "out.log").read_text()
    assert (tmp_path / "work" / "seen.txt").read_text().startswith("r7 ")


def test_job_failed_is_exit_1_with_message(tmp_path: Path) -> None:
    """`JobFailed` is a failure with exit code 1 and the message as last line."""
    outcome = _run(tmp_path, pyjobtypes.Refuser(), {})
    assert (outcome.result, outcome.exit_code) == (Result.FAILURE, 1)
    assert outcome.error == "exited with code 1: demo: cmdb unreachable"


def test_crash_is_a_failure_with_traceback(tmp_path: Path) -> None:
    """An unexpected exception exits 70 with its traceback in the output."""
    outcome = _run(tmp_path, pyjobtypes.Crasher(), {})
    assert (outcome.result, outcome.exit_code) == (Result.FAILURE, 70)
    assert outcome.error is not None
    assert "ZeroDivisionError('division by zero in the plugin')" in outcome.error
    assert "Traceback" in (tmp_path / "out.log").read_text()


def test_sigterm_sets_the_stop_request(tmp_path: Path) -> None:
    """The runner's stop reaches the type as `ctx.stop`; it may end cleanly in the grace."""
    stop = StopRequest()
    output = tmp_path / "out.log"

    def tick() -> None:
        if output.exists() and b"ready" in output.read_bytes() and not stop.level:
            stop.request()

    req_kw = {"tick": tick, "tick_interval_s": 0.01, "grace": timedelta(seconds=20)}
    outcome = _run_with_stop(tmp_path, stop, req_kw)
    stop.close()
    assert (outcome.result, outcome.exit_code) == (Result.INTERRUPTED, 0)
    assert "stopping cleanly" in output.read_text()


def _run_with_stop(tmp_path: Path, stop: StopRequest, executor_kw: dict[str, object]) -> Outcome:
    job = JobDef(name="demo", type="patient", interval=timedelta(hours=1), settings={})
    spec = pyjobtypes.Patient().launch(job, LaunchContext(root=tmp_path, environ={}))
    req = RunRequest(
        job="demo",
        run_id="r8",
        spec=spec,
        timeout=timedelta(seconds=30),
        output_path=tmp_path / "out.log",
    )
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    executor = Executor(clock=SystemClock(), environ=environ, **executor_kw)  # type: ignore[arg-type]
    return executor.run(req, stop=stop)


def test_unknown_type_exits_78(tmp_path: Path) -> None:
    """A worker told to load a type that does not exist says so and exits 78."""
    broken = pyjobtypes.Greeter()
    job = JobDef(name="demo", type="greeter", interval=timedelta(hours=1), settings={})
    spec = broken.launch(job, LaunchContext(root=tmp_path, environ={}))
    payload = json.loads(spec.env[WORKER_SPEC_VARIABLE])
    payload["factory"] = "tests.unit.pyjobtypes:Missing"
    spec = type(spec)(argv=spec.argv, cwd=spec.cwd, env={WORKER_SPEC_VARIABLE: json.dumps(payload)})
    req = RunRequest(
        job="demo",
        run_id="r9",
        spec=spec,
        timeout=timedelta(seconds=30),
        output_path=tmp_path / "out.log",
    )
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    outcome = Executor(clock=SystemClock(), environ=environ).run(req)
    assert outcome.exit_code == 78
    assert outcome.error is not None
    assert "cannot load job type tests.unit.pyjobtypes:Missing" in outcome.error
