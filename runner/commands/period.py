"""`jobrunner period NAME`: is a time period active, when does it change, and a calendar.

People check a holiday calendar by looking at it: the text format draws the next days, one row
per day, hours across, in the period's own zone, with DST days marked.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta

from runner import clock
from runner.errors import UsageError
from runner.exitcodes import ExitCode
from runner.options import GlobalOptions
from runner.timeperiods import HORIZON, TimePeriod
from runner.timeperiods.render import calendar_lines

NAME = "period"
HELP = "show whether a time period is active, when it next changes, and a calendar of the next days"
LEGEND = "█ active  ▒ partly active  · inactive  (blank: wall-clock time skipped by DST)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`NAME`, `--at`, `--days`, `--format`."""
    parser.add_argument("name", metavar="NAME", help="the time period's name")
    parser.add_argument(
        "--at",
        metavar="TIME",
        help="the instant to ask about, ISO 8601 (default now); without an offset it is read "
        "in the period's zone",
    )
    parser.add_argument(
        "--days", type=_days, default=7, metavar="N", help="days to draw (default 7, at most 366)"
    )
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default text)"
    )


def _days(text: str) -> int:
    """A day count from 1 to 366."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--days needs a whole number, got {text!r}") from None
    if not 1 <= days <= 366:
        raise argparse.ArgumentTypeError(f"--days must be between 1 and 366, got {days}")
    return days


def parse_at(text: str | None, period: TimePeriod) -> datetime:
    """`--at`: ISO 8601, read in the period's zone when it has no offset; default now."""
    if text is None:
        return clock.utcnow().astimezone(period.zone)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--at {text!r} is not an ISO 8601 time; write e.g. 2026-12-24T09:30 "
            "or 2026-12-24T09:30+01:00"
        ) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=period.zone)
    # Through the instant: a wall-clock time in the spring-forward gap is shown as the time it
    # means (02:30 CET on the jump day is 03:30 CEST), and astimezone() would keep it as given.
    return datetime.fromtimestamp(at.timestamp(), period.zone)


def _in(delta: timedelta) -> str:
    """A short human duration such as `2d 3h 5m`."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    return " ".join([*parts, f"{hours}h", f"{mins}m"]) if days or hours else f"{mins}m"


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time from `start` to `end`: `end - start` of datetimes in one zone is wall-clock
    time, an hour off across a DST change."""
    return timedelta(seconds=end.timestamp() - start.timestamp())


def _stamp(at: datetime) -> str:
    """`2026-12-24 09:30:00 CET`."""
    return at.strftime("%Y-%m-%d %H:%M:%S %Z")


def text_report(name: str, period: TimePeriod, at: datetime, days: int, origin: str) -> list[str]:
    """The text output: state at `at`, the next change and the calendar from `at`'s day."""
    active = period.is_active(at)
    change = period.next_change(at)
    lines = [
        f"period {name} (zone {period.timezone}, from {origin})",
        f"at {_stamp(at)}: {'active' if active else 'inactive'}",
    ]
    if change is None:
        years = HORIZON.days // 365
        lines.append(f"next change: none within {years} years ({'always' if active else 'never'})")
    else:
        state = "inactive" if active else "active"
        lines.append(
            f"next change: {_stamp(change)} (in {_in(_elapsed(at, change))}), then {state}"
        )
    lines.append("")
    lines.extend(calendar_lines(period, at.date(), days))
    lines.append(LEGEND)
    return lines


def json_report(name: str, period: TimePeriod, at: datetime, days: int) -> dict[str, object]:
    """The JSON output: state, next change and the segments of the drawn days."""
    first: date = at.date()
    start = datetime(first.year, first.month, first.day, tzinfo=period.zone)
    last = first + timedelta(days=days)
    end = datetime(last.year, last.month, last.day, tzinfo=period.zone)
    change = period.next_change(at)
    return {
        "name": name,
        "timezone": period.timezone,
        "at": at.isoformat(),
        "active": period.is_active(at),
        "next_change": change.isoformat() if change else None,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "segments": [
            {"begin": b.isoformat(), "end": e.isoformat()} for b, e in period.segments(start, end)
        ],
    }


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Load the definitions, find the period and report on it."""
    from runner.definitions import load_definitions

    if not options.jobs_dir.is_dir():  # as every command says it (runner.session.load)
        raise UsageError(
            f"definitions directory {options.jobs_dir} does not exist; pass --jobs-dir or set "
            "JOBRUNNER_JOBS_DIR"
        )
    result = load_definitions(options.jobs_dir, timezone=options.timezone)
    problems = [d for d in result.diagnostics if d.is_error]
    if problems:
        from runner.commands.common import print_diagnostics

        print_diagnostics(problems)  # as `lint` prints them, as every other command does
        print(
            "jobrunner: error: the definitions are invalid; see `jobrunner lint`", file=sys.stderr
        )
        return int(ExitCode.USAGE)
    definitions = result.definitions
    period = definitions.timeperiods.get(args.name)
    if period is None:
        known = ", ".join(sorted(definitions.timeperiods)) or "none"
        raise UsageError(f"no time period named {args.name!r} (known: {known})")
    definition = definitions.timeperiod_defs.get(args.name)
    origin = definition.timezone_origin if definition is not None else "timeperiod"
    at = parse_at(args.at, period)
    if args.format == "json":
        print(json.dumps(json_report(args.name, period, at, args.days), indent=2))
    else:
        print("\n".join(text_report(args.name, period, at, args.days, origin)))
    return int(ExitCode.OK)
