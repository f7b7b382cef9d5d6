"""`jobrunner import-director FILE --timezone TZ [--out DIR] [--force] [--job-timeout D]`.

Reads a Director basket export and writes one YAML file per job (`jobs/NAME.yaml`) and per
time period (`periods/NAME.yaml`) below DIR (default: the definitions directory). Every entry
whose meaning changes is printed; nothing is overwritten without `--force`.

Exit codes: 0 everything was written; 1 written, but some entries (or parts) were left out;
2 usage errors (no --timezone, unreadable file, files that exist).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runner.durations import ACCEPTED_FORMS, format_duration, parse_duration
from runner.errors import DurationError, UsageError
from runner.exitcodes import ExitCode
from runner.options import GlobalOptions

if TYPE_CHECKING:
    from runner.director import Conversion

NAME = "import-director"
HELP = "turn an Icinga Director basket export (jobs, time periods) into definitions"
PLUGIN_HINT = (
    "the `director` job type is not installed here: install the plugin "
    "(pip install examples/plugins/jobrunner-icinga-director from jobrunner's source) so that "
    "lint and run know `type: director`"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`FILE`, `--out`, `--force`, `--job-timeout` (the zone is the global `--timezone`)."""
    parser.add_argument("file", metavar="FILE", help="the basket export (JSON); - reads stdin")
    parser.add_argument(
        "--out", metavar="DIR", help="where to write (default: the definitions directory)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite files that exist")
    parser.add_argument(
        "--job-timeout",
        metavar="DURATION",
        default="1h",
        help="the timeout written on every job, since Director has none (default 1h)",
    )


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Convert, refuse to overwrite, write, report."""
    from runner.director import BasketError, convert_basket

    zone = _zone(options.timezone)
    timeout = _timeout(args.job_timeout)
    basket = _read(args.file)
    try:
        conversion = convert_basket(basket, timezone=zone, timeout=timeout)
    except BasketError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    out = Path(args.out) if args.out else options.jobs_dir
    existing = [path for path in conversion.files if (out / path).exists()]
    if existing and not args.force:
        shown = ", ".join(str(out / path) for path in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise UsageError(f"{shown}{more} already exist; use --force to overwrite them")
    for path, text in conversion.files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
    for finding in conversion.findings:
        print(f"jobrunner: import-director: {finding.render()}", file=sys.stderr)
    _summary(conversion, out, format_duration(timeout))
    return int(ExitCode.FAILURE if conversion.has_skipped else ExitCode.OK)


def _summary(conversion: Conversion, out: Path, timeout: str) -> None:
    """What was written, the timeout chosen, the findings counted, and the plugin check."""
    from runner.jobtypes import default_registry

    kinds = [finding.kind.value for finding in conversion.findings]
    print(f"wrote {conversion.jobs} job(s) and {conversion.timeperiods} time period(s) to {out}")
    print(f"every job got `timeout: {timeout}` (Director has none; change it with --job-timeout)")
    print(f"{kinds.count('changed')} change(s) of meaning, {kinds.count('skipped')} left out")
    if default_registry().get("director") is None:
        print(f"jobrunner: import-director: note: {PLUGIN_HINT}", file=sys.stderr)
    print(f"review the findings above, then run: jobrunner lint {out}")


def _zone(timezone: str | None) -> str:
    """The required `--timezone`, checked against the zone database."""
    if not timezone:
        raise UsageError(
            "import-director needs --timezone TZ: Director evaluated time periods in PHP's "
            "zone (date.timezone in php.ini), which the export does not contain; name it, "
            "e.g. --timezone Europe/Berlin or --timezone UTC"
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"--timezone {timezone!r} is not an IANA zone name; use e.g. Europe/Berlin or UTC"
        ) from None
    return timezone


def _timeout(text: str) -> timedelta:
    """`--job-timeout` as a timedelta of at least 1s."""
    try:
        timeout = parse_duration(text)
    except DurationError:
        raise UsageError(
            f"--job-timeout {text!r} is not a duration; use {ACCEPTED_FORMS}"
        ) from None
    if timeout.total_seconds() < 1:
        raise UsageError("--job-timeout must be at least 1s")
    return timeout


def _read(file: str) -> object:
    """The parsed JSON of FILE (or stdin for `-`)."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"cannot read {file}: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{file}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); export the basket with "
            "`icingacli director basket dump --name NAME > FILE`"
        ) from None
