"""`jobrunner check`: a monitoring plugin in the Nagios/Icinga convention (SPEC §4).

Prints one status line with performance data and one line per problem, and exits 0 OK,
1 WARNING, 2 CRITICAL or 3 UNKNOWN. Usage errors (argparse's too, see `usage_error`) and
anything it cannot read are UNKNOWN, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from runner.check import Limits, Mode, evaluate, render, unknown
from runner.check.gather import CheckReadError, gather
from runner.check.model import (
    DEFAULT_GRACE,
    DEFAULT_MAX_PASS_AGE,
    DEFAULT_WARN_WAIT,
    CheckResult,
)
from runner.clock import utcnow
from runner.commands.common import duration_arg
from runner.durations import format_duration
from runner.errors import JobrunnerError
from runner.exitcodes import CheckState
from runner.logconfig import configure_logging
from runner.options import GlobalOptions

NAME = "check"
HELP = "monitoring plugin (Nagios/Icinga): OK, WARNING, CRITICAL or UNKNOWN with perfdata"


def usage_error() -> int:
    """After argparse reported a usage error on stderr: the plugin's UNKNOWN line on stdout
    (what Icinga shows) and exit code 3 instead of argparse's 2."""
    message = "invalid arguments (the error is on stderr; see `jobrunner check --help`)"
    print(render(unknown(message)), flush=True)
    return int(CheckState.UNKNOWN)


def _count(text: str) -> int:
    """argparse type for a count of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, e.g. 3") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1; use 1 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `check`; docs/monitoring.md "Options" explains each."""
    parser.add_argument("--job", metavar="NAME", help="check this job only")
    parser.add_argument(
        "--mode",
        choices=[m.value for m in Mode],
        default=Mode.DAEMON.value,
        help="daemon: check daemon.json's heartbeat and revision (default); cron: check the "
        "age of the last `jobrunner run` pass",
    )
    durations = (
        ("--grace", DEFAULT_GRACE, "overdue: due longer than max(interval, this) of active time"),
        ("--warn-wait", DEFAULT_WARN_WAIT, "WARNING when a job waits behind another this long"),
        ("--max-pass-age", DEFAULT_MAX_PASS_AGE, "mode cron: CRITICAL when no pass for this long"),
    )
    for flag, default, text in durations:
        parser.add_argument(
            flag,
            type=duration_arg,
            default=default,
            metavar="DURATION",
            help=f"{text} (default {format_duration(default)})",
        )
    for level, what in (("warn", "WARNING"), ("crit", "CRITICAL")):
        parser.add_argument(
            f"--{level}-failures",
            type=_count,
            default=1,
            metavar="N",
            help=f"{what} from N consecutive failures or timeouts of a job (default 1)",
        )


def limits_from(args: argparse.Namespace) -> Limits:
    """The thresholds of the parsed options; inconsistent ones raise `CheckReadError`."""
    if args.warn_failures > args.crit_failures:
        raise CheckReadError(
            f"--warn-failures {args.warn_failures} is above --crit-failures "
            f"{args.crit_failures}; the WARNING threshold must not exceed the CRITICAL one"
        )
    return Limits(
        mode=Mode(args.mode),
        grace=args.grace,
        warn_wait=args.warn_wait,
        warn_failures=args.warn_failures,
        crit_failures=args.crit_failures,
        max_pass_age=args.max_pass_age,
        job=args.job,
    )


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Check, print the plugin output, return the plugin exit code."""
    # Stdout is the plugin output: anything logged on the way goes to stderr, warnings only.
    configure_logging(verbose=options.verbose, log_format=options.log_format, quiet=True)
    result = check(args, options)
    try:
        print(render(result), flush=True)
    except BrokenPipeError:  # a reader that stopped early (`| head`): no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return int(result.state)


def check(args: argparse.Namespace, options: GlobalOptions) -> CheckResult:
    """The result of a check; every error becomes an UNKNOWN result with its reason."""
    try:
        limits = limits_from(args)
        data = gather(options, limits)
        return evaluate(data, limits, utcnow())
    except (CheckReadError, JobrunnerError) as exc:
        return unknown(str(exc))
    except Exception as exc:  # noqa: BLE001 - a plugin must say UNKNOWN, not print a traceback
        return unknown(f"internal error ({type(exc).__name__}: {exc}); please report it")
