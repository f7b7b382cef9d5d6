"""Failure and recovery hooks (`on_failure`, `on_recovery`): a command run after a run.

Which hook runs is decided from the state's counters as they were before the run:
- `on_failure` after a `failure` or `timeout` that starts a failure streak: once per streak,
  however often the job fails again before it succeeds;
- `on_recovery` after the `success` that ends a streak in which `on_failure` was due;
- `interrupted` (the runner was stopped, or died, while the job ran) runs no hook and
  neither starts nor ends a streak: a restart of the runner pages nobody.

The job's own hook wins over the one in `Defaults`. The hook runs like a job, through the
same executor (own process group, timeout, SIGTERM then SIGKILL), with the runner's
environment (not the job's `settings.env`: a resolved secret is not passed on) plus the
outcome: `JOBRUNNER_HOOK`, `JOBRUNNER_JOB`, `JOBRUNNER_RESULT`, `JOBRUNNER_EXIT_CODE`,
`JOBRUNNER_RUN_ID`, `JOBRUNNER_ERROR`, `JOBRUNNER_OUTPUT` (the run's output file) and
`JOBRUNNER_OUTPUT_TAIL` (its last 4 KiB, secret values masked). Its output goes to
`runs/<job>/<run id>.hook.txt`, pruned with the run. A hook that fails or times out is
logged; the job's result stays what it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from runner.executor import Executor, Outcome, Result, RunRequest
from runner.jobtypes import LaunchSpec
from runner.logconfig import SECRETS, get_logger
from runner.model import Defaults, HookDef, JobDef
from runner.state.runs import SUMMARY_PREFIX
from runner.stop import StopRequest

HOOK_SUFFIX = ".hook.txt"
"""A hook's output file: the run's output file with this suffix instead of `.log`."""
TAIL_BYTES = 4096
FAILING = frozenset({Result.FAILURE, Result.TIMEOUT})


@dataclass(frozen=True, slots=True)
class Streak:
    """A job's counters before a run: non-successes since the last success, and how many
    of the latest of those were interruptions."""

    failures: int = 0
    interruptions: int = 0

    @property
    def has_failed(self) -> bool:
        """True when the streak holds a failure or timeout (so `on_failure` was due)."""
        return self.failures > self.interruptions


def hook_event(result: Result, before: Streak) -> str | None:
    """`on_failure`, `on_recovery` or None: which hook a run with `result` calls."""
    if result in FAILING:
        return None if before.has_failed else "on_failure"
    if result is Result.SUCCESS and before.has_failed:
        return "on_recovery"
    return None


def hook_for(event: str, job: JobDef, defaults: Defaults) -> HookDef | None:
    """The job's own hook for `event`, else the one in Defaults."""
    own: HookDef | None = getattr(job, event)
    return own if own is not None else getattr(defaults, event)


def hook_output(output: Path) -> Path:
    """Where the hook of the run whose output is `output` writes (`<run id>.hook.txt`)."""
    return output.with_suffix(HOOK_SUFFIX)


def output_tail(output: Path, limit: int = TAIL_BYTES) -> str:
    """The last `limit` bytes of the job's own output (without the runner's summary line),
    decoded leniently, NUL-free (environment values cannot hold NUL), secrets masked."""
    try:
        with output.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - limit - 8192))
            data = handle.read()
    except OSError:
        return ""
    if data.endswith(b"\n"):
        cut = data.rfind(b"\n", 0, len(data) - 1) + 1
        if data.startswith(SUMMARY_PREFIX, cut):
            data = data[:cut]
    text = data[-limit:].decode("utf-8", "replace").lstrip("\ufffd").replace("\x00", "")
    return SECRETS.apply(text)


@dataclass(frozen=True, slots=True)
class Finished:
    """A recorded run, as the hook sees it."""

    job: JobDef
    run_id: str
    outcome: Outcome
    before: Streak
    revision: str | None = None
    last_success: datetime | None = None


@dataclass
class HookRunner:
    """Runs a job's hook after its run is recorded; never raises for the hook's failure."""

    executor: Executor
    defaults: Defaults
    root: Path
    stop: StopRequest | None = None

    def after(self, run: Finished) -> Outcome | None:
        """Run the hook `run` calls for, if any; its outcome, or None when none ran."""
        event = hook_event(run.outcome.result, run.before)
        hook = None if event is None else hook_for(event, run.job, self.defaults)
        if event is None or hook is None:
            return None
        log = get_logger("jobrunner")
        if self.stop is not None and self.stop.level:
            log.warning("hook.skipped", hook=event, job=run.job.name, reason="runner stopping")
            return None
        outcome = self.executor.run(self._request(event, hook, run), stop=self.stop)
        fields = {
            "hook": event,
            "job": run.job.name,
            "run_id": run.run_id,
            "result": str(outcome.result),
            "exit_code": outcome.exit_code,
            "output": str(outcome.output_path),
        }
        if outcome.result is Result.SUCCESS:
            log.info("hook.finished", **fields)
        else:
            log.warning(
                "hook.failed",
                **fields,
                error=outcome.error,
                hint=f"the job's result stays {run.outcome.result}; see the hook's output",
            )
        return outcome

    def _request(self, event: str, hook: HookDef, run: Finished) -> RunRequest:
        outcome = run.outcome
        code = outcome.exit_code
        env = {
            "JOBRUNNER_HOOK": event,
            "JOBRUNNER_RESULT": str(outcome.result),
            "JOBRUNNER_EXIT_CODE": "" if code is None else str(code),
            "JOBRUNNER_ERROR": (outcome.error or "").replace("\x00", ""),
            "JOBRUNNER_OUTPUT": str(outcome.output_path),
            "JOBRUNNER_OUTPUT_TAIL": output_tail(outcome.output_path),
            "JOBRUNNER_DURATION_S": f"{outcome.duration_s:.3f}",
        }
        cwd = (self.root / run.job.directory).resolve()
        argv = hook.argv
        if "/" in argv[0] and not argv[0].startswith("/"):
            argv = (str(cwd / argv[0]), *argv[1:])
        return RunRequest(
            job=run.job.name,
            run_id=run.run_id,
            spec=LaunchSpec(argv=argv, cwd=cwd, env=env),
            timeout=hook.timeout,
            output_path=hook_output(outcome.output_path),
            revision=run.revision,
            last_success=run.last_success,
            last_result=str(outcome.result),
        )
