"""`jobrunner run`: run every due job once, one at a time, record it, and exit (SPEC §3, §4).

Quiet on success when not on a terminal (cron mails any output); one line per job that did
not succeed. Exit 0 when all ran jobs succeeded, 1 when one did not, 2 for usage problems,
a held lock, or definitions that do not load (after running the last clean revision).
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from runner.clock import Clock, SystemClock
from runner.commands.common import (
    add_default_timeout,
    duration_arg,
    load_for,
    print_diagnostics,
    refuse_root_by_accident,
    report_load_problems,
    size_arg,
    state_path,
    stop_on_signals,
)
from runner.commands.decisions import log_decisions
from runner.daemonfile import read_pause
from runner.dispatch import DEFAULT_TIMEOUT, Dispatcher
from runner.errors import UsageError
from runner.executor import Outcome, Result
from runner.exitcodes import ExitCode
from runner.jobtypes import JobTypeRegistry
from runner.logconfig import configure_logging, get_logger
from runner.metricsfile import add_metrics_option, apply_metrics_option
from runner.options import GlobalOptions
from runner.passfile import PassRecord, record_pass
from runner.planner import DueJob, Planner
from runner.session import Loaded
from runner.state import StateLockedError, StateStore
from runner.state.runs import make_job_dirs
from runner.statesetup import prepare_state, recover
from runner.stop import StopRequest
from runner.subreaper import become_subreaper

NAME = "run"
HELP = "run every due job once, one at a time, and exit (--forever: keep running as a daemon)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `run` (SPEC §4)."""
    parser.add_argument(
        "--forever",
        action="store_true",
        help="run as a daemon until SIGTERM (also `run forever`); SIGHUP reloads",
    )
    parser.add_argument(
        "--memory-limit",
        metavar="SIZE",
        type=size_arg,
        default="256M",
        help="daemon: exit 0 (to be restarted by the service manager) when its RSS exceeds "
        "this and has doubled since loading the definitions (default 256M; 0: off)",
    )
    add_default_timeout(parser)
    add_metrics_option(parser)
    parser.add_argument(
        "--require-clean", action="store_true", help="refuse uncommitted definitions"
    )
    parser.add_argument(
        "--slack",
        type=duration_arg,
        metavar="DURATION",
        help="count jobs due within this much as due (default min(interval/20, 60s))",
    )
    parser.add_argument(
        "--if-idle", action="store_true", help="exit 0 silently when another runner is busy"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would run and why, run nothing"
    )


def _refuse_single_pass_options(args: argparse.Namespace) -> None:
    """`--dry-run`, `--slack`, `--if-idle` and `--require-clean` shape one pass: the daemon
    would ignore them, and `run --forever --dry-run` would run jobs."""
    given = [
        option
        for option, value in (
            ("--dry-run", args.dry_run),
            ("--slack", args.slack is not None),
            ("--if-idle", args.if_idle),
            ("--require-clean", args.require_clean),
        )
        if value
    ]
    if given:
        raise UsageError(
            f"`run --forever` does not take {', '.join(given)}: "
            f"{'it is' if len(given) == 1 else 'they are'} for a single `jobrunner run` pass "
            "(`jobrunner run --dry-run` shows what is due now)"
        )


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Run the due jobs once."""
    apply_metrics_option(args)
    if args.forever:
        from runner.commands.forever import run_forever

        _refuse_single_pass_options(args)

        return run_forever(args, options)
    quiet = not sys.stderr.isatty()
    configure_logging(verbose=options.verbose, log_format=options.log_format, quiet=quiet)
    if args.dry_run:
        from runner.commands.dryrun import dry_run

        return dry_run(args, options)
    path, _origin = state_path(options)
    refuse_root_by_accident(path)
    become_subreaper()  # adopt what a job leaves in a session of its own, to kill it
    clock = SystemClock()
    try:
        store = StateStore.open(path, clock=clock)
    except StateLockedError as exc:
        if args.if_idle:
            return int(ExitCode.OK)
        print(f"jobrunner: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    with store:
        pause = read_pause(path.parent)
        if pause is not None:
            recover(store, clock.now())
            # shown on a terminal (and with -v), quiet under cron; printing it too said it twice
            get_logger("jobrunner").info("run.paused", note=f"no job started: {pause.describe()}")
            return int(ExitCode.OK)
        return _pass(args, options, store, clock)


def _pass(args: argparse.Namespace, options: GlobalOptions, store: StateStore, clock: Clock) -> int:
    started = clock.now()
    recover(store, started)
    loaded, registry = load_for(options, store.data.last_clean_revision)
    report_load_problems(loaded)
    if loaded.definitions is None:
        print_diagnostics([d for d in loaded.diagnostics if d.is_error])
        print(
            "jobrunner: the definitions do not load and no clean revision can run", file=sys.stderr
        )
        return int(ExitCode.USAGE)
    if args.require_clean and loaded.revision is not None and loaded.revision.dirty:
        print(
            f"jobrunner: {options.jobs_dir} has uncommitted changes and --require-clean is set; "
            "commit or discard them",
            file=sys.stderr,
        )
        return int(ExitCode.USAGE)
    # `run` exits after this pass: the loaded definitions and the state live until then, so
    # the cyclic GC need not scan them again after every job (with 10,000 jobs it would).
    gc.freeze()
    stop = StopRequest()
    with stop_on_signals(stop):
        ran = run_pass(
            store,
            loaded,
            registry,
            clock=clock,
            slack=args.slack,
            default_timeout=args.default_timeout,
            stop=stop,
        )
    stop.close()
    failed = [describe_failure(name, out) for name, out in ran if out.result is not Result.SUCCESS]
    for outcome_line in failed:
        print(outcome_line, file=sys.stderr)
    record_pass(
        store.paths.directory,
        PassRecord(
            started, clock.now(), loaded.running_revision, loaded.is_degraded, len(ran), len(failed)
        ),
    )
    if loaded.is_degraded:
        return int(ExitCode.USAGE)
    return int(ExitCode.FAILURE if failed else ExitCode.OK)


def run_pass(
    store: StateStore,
    loaded: Loaded,
    registry: JobTypeRegistry,
    *,
    clock: Clock,
    slack: timedelta | None = None,
    default_timeout: timedelta = DEFAULT_TIMEOUT,
    stop: StopRequest | None = None,
) -> list[tuple[str, Outcome]]:
    """One pass of `run` over a loaded set: prepare the state, plan once, run each job due
    at the pass's start (or within `slack`) once, in order, and return what ran.

    A job is skipped when its period has closed by the time its turn comes (SPEC §3), and
    the pass ends early when `stop` is requested. `clock` is the only source of time, so
    tests drive real passes with `runner.testing.FakeClock`.
    """
    definitions = loaded.definitions
    assert definitions is not None
    now = clock.now()
    prepare_state(store, loaded, now)
    planner = Planner(
        definitions.jobs, definitions.timeperiods, store.data.timings(definitions.jobs, now), now
    )
    due = planner.due_jobs(now, slack)
    log_decisions(planner, due, now)
    dispatcher = Dispatcher.for_pass(
        definitions,
        registry,
        store,
        clock=clock,
        revision=loaded.revision,
        default_timeout=default_timeout,
        stop=stop,
    )
    ran: list[tuple[str, Outcome]] = []
    waiting = {item.name: item.due_at for item in due}  # due, not yet started (metrics)
    if dispatcher.metrics is not None:
        dispatcher.metrics.waiting = lambda _now: waiting
    with _job_dirs_ahead(store, [item.name for item in due]):
        for item in due:
            if stop is not None and stop.level:
                break
            del waiting[item.name]
            outcome = _run_one(planner, dispatcher, item, clock)
            if outcome is not None:
                ran.append((item.name, outcome))
    dispatcher.flush_metrics()
    return ran


@contextmanager
def _job_dirs_ahead(store: StateStore, jobs: list[str]) -> Iterator[None]:
    """Create the due jobs' missing directories in a thread while the jobs run (a pass over
    new jobs would otherwise wait for two directory creations before each first run)."""
    missing = [job for job in jobs if not (store.paths.work / job).is_dir()]
    if len(missing) < 2:  # the dispatcher creates a lone job's directories itself
        yield
        return
    done = threading.Event()
    thread = threading.Thread(
        target=make_job_dirs,
        args=(store.paths, missing, done.is_set),
        name="jobrunner-job-dirs",
        daemon=True,
    )
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _run_one(
    planner: Planner, dispatcher: Dispatcher, item: DueJob, clock: Clock
) -> Outcome | None:
    job = dispatcher.definitions.jobs[item.name]
    if not planner.evaluator.is_period_open(job, clock.now()):
        get_logger("jobrunner").info("job.skipped", job=job.name, reason=f"{job.timeperiod} closed")
        return None
    return dispatcher.run(job, item.due_at)


def describe_failure(name: str, outcome: Outcome) -> str:
    """One line for a job that did not succeed, as cron mails it."""
    code = "no exit code" if outcome.exit_code is None else f"exit {outcome.exit_code}"
    error = f": {outcome.error}" if outcome.error else ""
    return (
        f"jobrunner: {name} {outcome.result} ({code}) after {outcome.duration_s:.1f}s{error}; "
        f"output: {outcome.output_path}"
    )
