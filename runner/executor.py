"""The executor: run one job in its own process group and say how it ended (SPEC §3, §5).

The child gets stdin from /dev/null and one pipe for stdout and stderr, which the runner
copies into the run's capped output file. A job that exceeds its timeout, or is stopped,
gets SIGTERM to its whole process group and SIGKILL after the grace period; when the group
leader exits, whatever is left of its group is killed. A command that cannot be started is a
`failure` with no exit code. Secret values of the `LaunchSpec` never appear in the outcome.
"""

from __future__ import annotations

import enum
import os
import signal
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from runner.clock import Clock
from runner.jobenv import JobContextVars, base_environment, job_environment
from runner.jobtypes.base import LaunchSpec
from runner.masking import fragments, mask_text
from runner.output import DEFAULT_CAP, EXCERPT_BYTES, CappedOutput
from runner.stop import StopRequest
from runner.subreaper import kill_escaped
from runner.supervise import Ending, Supervisor, Watched, kill_group

MASK = "***"
EXCERPT_LINES = 10
DEFAULT_GRACE = timedelta(seconds=10)


class Result(enum.StrEnum):
    """How a run ended, as recorded in the state (`last_result`)."""

    SUCCESS = "success"
    """The job exited with one of its success exit codes."""
    FAILURE = "failure"
    """Any other exit code, killed by a signal it did not get from the runner, or the
    program could not be started (then `exit_code` is None)."""
    TIMEOUT = "timeout"
    """It exceeded its timeout and the runner ended it."""
    INTERRUPTED = "interrupted"
    """The runner stopped it (graceful stop), or died while it ran (found at start-up)."""


@dataclass(frozen=True, slots=True)
class RunRequest:
    """One run of one job: what to start, for how long, where its output goes."""

    job: str
    run_id: str
    spec: LaunchSpec
    timeout: timedelta
    output_path: Path
    work_dir: Path | None = None
    due_at: datetime | None = None
    revision: str | None = None
    last_success: datetime | None = None
    last_result: str | None = None
    success_exit_codes: frozenset[int] = frozenset({0})


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a run ended; contains no secret values."""

    result: Result
    exit_code: int | None
    """The exit code; negative: killed by that signal; None: the program never started."""
    error: str | None
    """What went wrong, in words, or None on success."""
    started: datetime
    finished: datetime
    duration_s: float
    output_path: Path
    output_bytes: int
    """Bytes the job wrote (before capping)."""
    output_elided: int
    excerpt: str
    """The last lines of the output, secrets masked, for the log."""
    pid: int | None = None


def mask(text: str, secrets: frozenset[str], *, cut_start: bool = False) -> str:
    """`text` with every secret value (and each line of a multi-line one) replaced by `***`;
    with `cut_start` also a secret's end that `text` starts with (see `runner.masking`)."""
    if not secrets:
        return text
    return mask_text(text, fragments(secrets), cut_start=cut_start)


@dataclass
class Executor:
    """Runs jobs one at a time. Build it once per pass; `run` once per job."""

    clock: Clock
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    grace: timedelta = DEFAULT_GRACE
    output_cap: int = DEFAULT_CAP
    tick: Callable[[], None] | None = None
    """Called every `tick_interval_s` while a job runs (systemd WATCHDOG=1 pings)."""
    tick_interval_s: float = 5.0
    _base: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._base = base_environment(self.environ)

    def run(
        self,
        request: RunRequest,
        *,
        on_spawn: Callable[[int, int], None] | None = None,
        stop: StopRequest | None = None,
    ) -> Outcome:
        """Start the job, watch it to its end and return the outcome (never raises for a
        job's failure; `on_spawn(pid, pgid)` is called right after the start)."""
        if request.spec.secrets:
            from runner.logconfig import SECRETS

            SECRETS.add(fragments(request.spec.secrets))
        started = self.clock.now()
        t0 = self.clock.monotonic()
        env = self._environment(request, started)
        sink = CappedOutput(request.output_path, self.output_cap)
        run = _Run(request, sink, started, t0)
        read_fd, write_fd = os.pipe2(os.O_CLOEXEC)
        try:
            hand_over(request.work_dir, request.spec)
            process = _spawn(request.spec, env, write_fd)
        except OSError as exc:
            os.close(read_fd)
            return self._not_started(run, exc)
        finally:
            os.close(write_fd)
        try:
            if on_spawn is not None:
                on_spawn(process.pid, process.pid)
            watched = self._watch(process.pid, read_fd, sink, request, stop)
            _kill_escaped(request, process.pid)
        except BaseException:
            kill_group(process.pid, signal.SIGKILL)
            process.wait()
            raise
        finally:
            os.close(read_fd)
            sink.close()
        process.returncode = os.waitstatus_to_exitcode(watched.status)
        return self._outcome(run, watched, process.pid)

    def _environment(self, request: RunRequest, started: datetime) -> dict[str, str]:
        context = JobContextVars(
            job=request.job,
            run_id=request.run_id,
            deadline=started + request.timeout,
            revision=request.revision,
            due_at=request.due_at,
            last_success=request.last_success,
            last_result=request.last_result,
            work_dir=request.work_dir,
        )
        return job_environment(self._base, request.spec.env, context)

    def _watch(
        self,
        pid: int,
        read_fd: int,
        sink: CappedOutput,
        request: RunRequest,
        stop: StopRequest | None,
    ) -> Watched:
        return Supervisor(
            clock=self.clock,
            pid=pid,
            pipe=read_fd,
            sink=sink,
            timeout_s=request.timeout.total_seconds(),
            grace_s=self.grace.total_seconds(),
            stop=stop,
            tick=self.tick,
            tick_interval_s=self.tick_interval_s,
        ).run()

    def _not_started(self, run: _Run, exc: OSError) -> Outcome:
        error = mask(start_error(run.request.spec, exc), run.request.spec.secrets)
        run.sink.write(f"jobrunner: {error}\n".encode())
        run.sink.close()
        return run.finish(self.clock, Result.FAILURE, None, error)

    def _outcome(self, run: _Run, watched: Watched, pid: int) -> Outcome:
        request = run.request
        code = os.waitstatus_to_exitcode(watched.status)
        if watched.ending is Ending.TIMED_OUT:
            result = Result.TIMEOUT
        elif watched.ending is Ending.STOPPED:
            result = Result.INTERRUPTED
        elif code in request.success_exit_codes:
            result = Result.SUCCESS
        else:
            result = Result.FAILURE
        error = None
        if result is not Result.SUCCESS:
            text = describe(
                result,
                code,
                watched=watched,
                request=request,
                grace=self.grace,
                last_line=_last_line(run.sink, request.spec.secrets),
            )
            error = mask(text, request.spec.secrets)
        return run.finish(self.clock, result, code, error, pid)


@dataclass(frozen=True, slots=True)
class _Run:
    """One run in progress: its request, output sink and start."""

    request: RunRequest
    sink: CappedOutput
    started: datetime
    t0: float

    def finish(
        self,
        clock: Clock,
        result: Result,
        code: int | None,
        error: str | None,
        pid: int | None = None,
    ) -> Outcome:
        duration = max(0.0, clock.monotonic() - self.t0)
        secrets = self.request.spec.secrets
        text = self.sink.excerpt().decode("utf-8", "replace")
        cut = self.sink.total > EXCERPT_BYTES
        lines = mask(text, secrets, cut_start=cut).splitlines()[-EXCERPT_LINES:]
        return Outcome(
            result=result,
            exit_code=code,
            error=error,
            started=self.started,
            finished=self.started + timedelta(seconds=duration),
            duration_s=duration,
            output_path=self.request.output_path,
            output_bytes=self.sink.total,
            output_elided=self.sink.elided,
            excerpt="\n".join(lines),
            pid=pid,
        )


def _spawn(spec: LaunchSpec, env: dict[str, str], out_fd: int) -> subprocess.Popen[bytes]:
    # user=/group=/extra_groups= switch in the child between fork and exec (setgroups,
    # setregid, setreuid, in that order) without a preexec_fn, so threads are no problem.
    return subprocess.Popen(
        spec.argv,
        cwd=spec.cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=out_fd,
        stderr=out_fd,
        start_new_session=True,
        user=spec.user,
        group=spec.group,
        extra_groups=spec.extra_groups,
    )


def hand_over(directory: Path | None, spec: LaunchSpec) -> None:
    """Give a job that runs as another user its work directory (created by the runner)."""
    if directory is None or spec.user is None:
        return
    group = spec.group if spec.group is not None else -1
    status = directory.stat()
    if (status.st_uid, status.st_gid) != (spec.user, group if group >= 0 else status.st_gid):
        os.chown(directory, spec.user, group)


def _kill_escaped(request: RunRequest, job_group: int) -> None:
    """Kill what the job left running in sessions of its own (`runner.subreaper`); log it."""
    escaped = kill_escaped(job_group)
    if escaped:
        from runner.logconfig import get_logger

        get_logger("jobrunner").warning(
            "job.left_processes_killed",
            job=request.job,
            run_id=request.run_id,
            processes=[f"{item.pid} ({item.name})" for item in escaped],
            hint="a job's background processes end with it; run a service under systemd",
        )


def _last_line(sink: CappedOutput, secrets: frozenset[str]) -> str:
    # Masked before it is cut to 200 characters, and at its start when the 512 bytes began
    # inside the output: a cut never leaves a piece of a secret unmasked.
    text = mask(sink.excerpt(512).decode("utf-8", "replace"), secrets, cut_start=sink.total > 512)
    lines = text.strip().splitlines()
    return lines[-1][:200] if lines else ""


def start_error(spec: LaunchSpec, exc: OSError) -> str:
    """Why a program could not be started, and what to do, in one line."""
    reason = exc.strerror or type(exc).__name__
    if exc.filename is not None and str(exc.filename) == str(spec.cwd):
        return f"cannot start the job: working directory {spec.cwd}: {reason}; fix `cwd`"
    return (
        f"cannot start {spec.argv[0]!r}: {reason}; check the program path (a bare name is "
        "looked up in PATH) and that it is executable"
    )


def describe(
    result: Result,
    code: int,
    *,
    watched: Watched,
    request: RunRequest,
    grace: timedelta,
    last_line: str,
) -> str:
    """The `last_error` text of a run that did not succeed."""
    how = "SIGTERM to its process group"
    if watched.forced:
        how += ", SIGKILL at a second stop request"
    elif watched.killed:
        how += f", SIGKILL after {grace.total_seconds():g} s"
    if result is Result.TIMEOUT:
        text = f"timed out after {request.timeout.total_seconds():g} s ({how})"
    elif result is Result.INTERRUPTED:
        text = f"stopped by the runner ({how})"
    elif code < 0:
        text = f"killed by signal {signal.Signals(-code).name}"
    else:
        text = f"exited with code {code}"
    return f"{text}: {last_line}" if last_line else text
