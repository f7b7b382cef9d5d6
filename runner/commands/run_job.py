"""`jobrunner run-job NAME`: run one job now, whatever its interval and period.

Still one at a time (it takes the runner's lock) and recorded like any run. A disabled job
runs with a warning. Exit 0 on success, 1 when the job did not succeed, 2 for an unknown job
or when another runner holds the lock.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from runner.clock import SystemClock
from runner.commands.common import (
    add_default_timeout,
    load_for,
    read_state,
    refuse_root_by_accident,
    refuse_unloadable,
    report_load_problems,
    state_path,
    stop_on_signals,
    unknown_job_message,
)
from runner.commands.run import describe_failure
from runner.daemonfile import read_pause
from runner.dispatch import Dispatcher
from runner.executor import Result
from runner.exitcodes import ExitCode
from runner.logconfig import configure_logging, get_logger
from runner.metricsfile import add_metrics_option, apply_metrics_option
from runner.options import GlobalOptions
from runner.state import StateLockedError, StateStore
from runner.statesetup import prepare_state, recover
from runner.stop import StopRequest
from runner.subreaper import become_subreaper

NAME = "run-job"
HELP = "run one job now, whatever its schedule (recorded like any run)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `run-job`."""
    parser.add_argument("name", metavar="NAME", help="the job to run")
    add_default_timeout(parser)
    add_metrics_option(parser)


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Run the named job once, now."""
    apply_metrics_option(args)
    quiet = not sys.stderr.isatty()  # like `run`: off a terminal only problems are logged
    configure_logging(verbose=options.verbose, log_format=options.log_format, quiet=quiet)
    log = get_logger("jobrunner")
    path, _origin = state_path(options)
    refuse_root_by_accident(path)
    become_subreaper()  # adopt what a job leaves in a session of its own, to kill it
    clock = SystemClock()
    try:
        store = StateStore.open(path, clock=clock)
    except StateLockedError as exc:
        return _when_locked(path, args.name, exc)
    with store:
        recover(store, clock.now())
        loaded, registry = load_for(options, store.data.last_clean_revision)
        report_load_problems(loaded)
        definitions = loaded.definitions
        if definitions is None:
            return refuse_unloadable(loaded)
        job = definitions.jobs.get(args.name)
        if job is None:
            print(unknown_job_message(args.name, definitions.jobs), file=sys.stderr)
            return int(ExitCode.USAGE)
        pause = read_pause(path.parent)
        if pause is not None:
            log.warning(
                "job.paused", job=job.name, note=f"running it anyway, as asked; {pause.describe()}"
            )
        if job.disabled:
            log.warning("job.disabled", job=job.name, note="running it anyway, as asked")
        period = definitions.timeperiods.get(job.timeperiod) if job.timeperiod else None
        if period is not None and not period.is_active(clock.now()):
            note = f"time period {job.timeperiod!r} is closed; running it anyway, as asked"
            log.warning("job.period_closed", job=job.name, note=note)
        prepare_state(store, loaded, clock.now())
        stop = StopRequest()
        dispatcher = Dispatcher.for_pass(
            definitions,
            registry,
            store,
            clock=clock,
            revision=loaded.revision,
            default_timeout=args.default_timeout,
            stop=stop,
        )
        with stop_on_signals(stop):
            outcome = dispatcher.run(job, None)
        stop.close()
    if outcome.result is Result.SUCCESS:
        print(f"{job.name}: success in {outcome.duration_s:.1f}s; output: {outcome.output_path}")
        return int(ExitCode.OK)
    print(describe_failure(job.name, outcome), file=sys.stderr)
    return int(ExitCode.FAILURE)


def _running_caller(path: Path) -> str | None:
    """The job this process runs inside, when the state shows that very run still open
    (`JOBRUNNER_JOB` / `JOBRUNNER_RUN_ID` from the runner holding the lock), else None."""
    job, run_id = os.environ.get("JOBRUNNER_JOB"), os.environ.get("JOBRUNNER_RUN_ID")
    if not job or not run_id:
        return None
    state = read_state(path).job(job)
    attempt = None if state is None else state.attempt
    return job if attempt is not None and attempt.run_id == run_id else None


def _when_locked(path: Path, name: str, exc: StateLockedError) -> int:
    """Another runner holds the lock: ask the daemon, or say why not (exit 2)."""
    from runner.commands.ask_daemon import daemon_is_running, run_through_daemon

    caller = _running_caller(path)
    if caller is not None:
        print(
            f"jobrunner: run-job {name} from inside job {caller}: the runner that holds the"
            f" lock runs {name} only after {caller} has ended, so waiting for it here would"
            f" last until {caller}'s timeout; run-job cannot be used from a job's own command",
            file=sys.stderr,
        )
        return int(ExitCode.USAGE)
    if daemon_is_running(path.parent):
        return run_through_daemon(path.parent, name)
    print(f"jobrunner: {exc.held}; try again when it is idle", file=sys.stderr)
    return int(ExitCode.USAGE)
