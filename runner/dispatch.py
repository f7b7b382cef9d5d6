"""Run one job and record it: the step that `run`, `run-job` and the daemon share.

The order is fixed by SPEC §3: the start of the attempt is recorded (and synced, together
with the previous job's end) before the child starts; the child's pid and process group are
recorded right after the spawn; the end is recorded when the child is gone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from runner.clock import Clock
from runner.executor import Executor, Outcome, Result, RunRequest
from runner.hooks import Finished, HookRunner, Streak, hook_output
from runner.jobtypes import JobTypeRegistry, LaunchContext, LaunchError, LaunchSpec
from runner.jobtypes.afterrun import RunRecorded
from runner.logconfig import get_logger
from runner.metricsfile import MetricsFile
from runner.model import Definitions, JobDef
from runner.revision import Revision
from runner.state import (
    LEGACY_SUMMARY_SUFFIX,
    StateStore,
    append_run_summary,
    new_run_id,
    output_path,
    parse_instant,
    prune_runs,
    work_dir,
)
from runner.stop import StopRequest

DEFAULT_TIMEOUT = timedelta(hours=1)


@dataclass
class Dispatcher:
    """Everything needed to run a job of the loaded set and record what happened."""

    definitions: Definitions
    registry: JobTypeRegistry
    store: StateStore
    executor: Executor
    clock: Clock
    environ: Mapping[str, str]
    revision: Revision | None = None
    default_timeout: timedelta = DEFAULT_TIMEOUT
    stop: StopRequest | None = None
    metrics: MetricsFile | None = None
    """Rewritten after each run (`--metrics-file`); the daemon sets its own."""
    _context: LaunchContext | None = field(default=None, init=False, repr=False)

    @classmethod
    def for_pass(
        cls,
        definitions: Definitions,
        registry: JobTypeRegistry,
        store: StateStore,
        *,
        clock: Clock,
        revision: Revision | None,
        default_timeout: timedelta,
        stop: StopRequest | None,
    ) -> Dispatcher:
        """A dispatcher with a fresh executor over the runner's current environment (and
        the metrics file `JOBRUNNER_METRICS_FILE` names, if any)."""
        environ = dict(os.environ)
        return cls(
            definitions=definitions,
            registry=registry,
            store=store,
            executor=Executor(clock=clock),
            clock=clock,
            environ=environ,
            revision=revision,
            default_timeout=default_timeout,
            stop=stop,
            metrics=MetricsFile.from_environ(environ, clock),
        )

    def run(self, job: JobDef, due_at: datetime | None) -> Outcome:
        """Run `job` now (one attempt), record start and end, log both; never raises for
        the job's own failure."""
        started = self.clock.now()
        run_id = new_run_id(started)
        log = get_logger("jobrunner").bind()  # resolve the lazy proxy once, not per call
        revision = self.revision.commit if self.revision else None
        dirty = self.revision.dirty if self.revision else None
        before = self._streak(job.name)
        self.store.begin(
            job.name, run_id=run_id, started=started, due_at=due_at, revision=revision, dirty=dirty
        )
        log.info(
            "job.started",
            job=job.name,
            run_id=run_id,
            type=job.type,
            due_at=_iso(due_at),
            revision=_short(revision),
        )
        request = self._request(job, run_id, due_at)
        if isinstance(request, str):
            outcome = self._not_started(job, run_id, started, request)
        else:
            try:
                outcome = self.executor.run(
                    request,
                    on_spawn=lambda pid, pgid: self.store.started(job.name, pid, pgid),
                    stop=self.stop,
                )
            except OSError as exc:  # the output file or the journal: a full disk, say
                why = f"the run could not be recorded ({exc}); the job was stopped"
                outcome = self._not_started(job, run_id, started, why)
        self.store.finish(job.name, outcome)
        self._after_run(job, run_id, outcome)
        if self._flushed():  # before the summary line: a SIGKILL between them lost the run
            write_run_summary(outcome, job.name, run_id, due_at, revision)
        self._prune(job.name)
        log.info(
            "job.finished",
            job=job.name,
            run_id=run_id,
            result=str(outcome.result),
            exit_code=outcome.exit_code,
            duration_s=round(outcome.duration_s, 3),
            error=outcome.error,
            revision=_short(revision),
            output=str(outcome.output_path),
            excerpt=outcome.excerpt if outcome.result is not Result.SUCCESS else None,
        )
        self._after(Finished(job, run_id, outcome, before, revision, self._last_success(job)))
        return outcome

    def _streak(self, name: str) -> Streak:
        record = self.store.data.jobs.get(name, {})
        failures = record.get("consecutive_failures", 0)
        return Streak(failures, record.get("consecutive_interruptions", 0))

    def _last_success(self, job: JobDef) -> datetime | None:
        return parse_instant(self.store.data.jobs.get(job.name, {}).get("last_success"))

    def _after(self, run: Finished) -> None:
        """After the run is recorded: its hook, then the metrics file. Neither may fail the
        job or stop the runner, so an unexpected error is logged and swallowed."""
        log = get_logger("jobrunner")
        try:
            hooks = HookRunner(self.executor, self.definitions.defaults, self._root(), self.stop)
            hooks.after(run)
        except Exception as exc:  # noqa: BLE001 - a hook must never fail the job
            log.warning("hook.error", job=run.job.name, error=repr(exc))
        if self.metrics is not None:
            try:
                self.metrics.update(self.definitions, self.store.data.jobs, run.revision)
                self.metrics.after_run()
            except Exception as exc:  # noqa: BLE001 - metrics must never fail the job
                log.warning("metrics.error", path=str(self.metrics.path), error=repr(exc))

    def flush_metrics(self) -> None:
        """End of a `run` pass: write the metrics file if a write was put off, or if no job
        ran (so the file exists and its age shows that passes happen)."""
        if self.metrics is None:
            return
        revision = self.revision.commit if self.revision else None
        self.metrics.update(self.definitions, self.store.data.jobs, revision)
        self.metrics.flush()

    def _flushed(self) -> bool:
        """Append the finish record; False when the journal cannot be written (the record
        stays buffered for the next sync, and no summary line may claim the run)."""
        try:
            self.store.flush()
        except OSError:
            return False
        return True

    def _after_run(self, job: JobDef, run_id: str, outcome: Outcome) -> None:
        """The type's `after_run` hook, if any (housekeeping): state work done here, in the
        runner that holds the lock, between two jobs. What it raises is logged, not raised."""
        hook = getattr(self.registry.get(job.type), "after_run", None)
        if not callable(hook):
            return
        now = self.clock.now()
        recorded = RunRecorded(
            job, run_id, outcome, outcome.output_path, self.store, self.definitions, now
        )
        try:
            hook(recorded)
        except Exception as exc:  # noqa: BLE001 - a hook's failure must not stop the runner
            get_logger("jobrunner").error("job.after_run_failed", job=job.name, error=repr(exc))

    def _prune(self, name: str) -> None:
        """Keep the newest `history` runs; list the directory only when there are more."""
        keep = self.definitions.defaults.history
        if self.store.data.jobs.get(name, {}).get("runs", 0) <= keep:
            return
        for removed in prune_runs(self.store.paths, name, keep):
            hook_output(removed).unlink(missing_ok=True)

    def _not_started(self, job: JobDef, run_id: str, started: datetime, error: str) -> Outcome:
        """The outcome of an attempt whose process could not even be built (exit code null)."""
        finished = self.clock.now()
        return Outcome(
            result=Result.FAILURE,
            exit_code=None,
            error=error,
            started=started,
            finished=finished,
            duration_s=(finished - started).total_seconds(),
            output_path=self._output(job, run_id),
            output_bytes=0,
            output_elided=0,
            excerpt="",
        )

    def _launch_context(self) -> LaunchContext:
        """The job types' view of the runner (built once: resolving the root costs syscalls)."""
        if self._context is None:
            root = self.definitions.root.resolve()
            self._context = LaunchContext(root=root, environ=self.environ)
        return self._context

    def _root(self) -> Path:
        return self._launch_context().root

    def _output(self, job: JobDef, run_id: str) -> Path:
        return output_path(self.store.paths, job.name, run_id)

    def _request(self, job: JobDef, run_id: str, due_at: datetime | None) -> RunRequest | str:
        """The executor's request, or the reason the job cannot start (a LaunchError)."""
        job_type = self.registry.get(job.type)
        if job_type is None:
            return f"job type {job.type!r} is not installed; install the plugin that provides it"
        context = self._launch_context()
        try:
            spec: LaunchSpec = job_type.launch(job, context)
        except LaunchError as exc:
            return str(exc)
        record = self.store.data.jobs.get(job.name, {})
        codes = getattr(job_type, "success_exit_codes", None)
        return RunRequest(
            job=job.name,
            run_id=run_id,
            spec=spec,
            timeout=self.definitions.timeout_for(job, self.default_timeout),
            output_path=self._output(job, run_id),
            work_dir=work_dir(self.store.paths, job.name),
            due_at=due_at,
            revision=self.revision.commit if self.revision else None,
            last_success=parse_instant(record.get("last_success")),
            last_result=record.get("last_result"),
            success_exit_codes=codes(job) if callable(codes) else frozenset({0}),
        )


SUMMARY_SUFFIX = LEGACY_SUMMARY_SUFFIX
"""Kept for readers of older runs; summaries are now the output file's last line."""


def write_run_summary(
    outcome: Outcome, job: str, run_id: str, due_at: datetime | None, revision: str | None
) -> None:
    """Append the run's summary to its output file, for `history` (not synced: the state
    journal is the record; this is a convenience copy). See `runner.state.runs`."""
    summary = {
        "job": job,
        "run_id": run_id,
        "result": str(outcome.result),
        "exit_code": outcome.exit_code,
        "error": outcome.error,
        "started": _iso(outcome.started),
        "finished": _iso(outcome.finished),
        "duration_s": round(outcome.duration_s, 3),
        "due_at": _iso(due_at),
        "revision": revision,
        "output_bytes": outcome.output_bytes,
    }
    try:
        append_run_summary(outcome.output_path, summary)
    except OSError as exc:
        path = str(outcome.output_path)
        get_logger("jobrunner").warning("run summary not written", path=path, error=str(exc))


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="milliseconds")


def _short(revision: str | None) -> str | None:
    return None if revision is None else revision[:7]
