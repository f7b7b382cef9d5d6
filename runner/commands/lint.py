"""`jobrunner lint [PATH ...] [--format text|json|github|sarif] [--strict]` (SPEC §4)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runner.errors import UsageError
from runner.options import GlobalOptions

NAME = "lint"
HELP = "validate definitions (every finding, with file:line:column)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Paths, output format and strictness."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="the definitions directory, or files in it to report on (default: --jobs-dir); "
        "the whole directory is always loaded for the cross-file checks",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "github", "sarif"],
        default="text",
        help="output format (default text; github: workflow annotations; sarif: SARIF 2.1.0)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def _root_and_files(paths: list[str], options: GlobalOptions) -> tuple[Path, list[str]]:
    """A single directory argument is the root; files are reported on within --jobs-dir."""
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0]), []
    for given in paths:
        if not Path(given).exists():
            raise UsageError(
                f"{given} does not exist; pass the definitions directory or files in it"
            )
    return options.jobs_dir, paths


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Lint, print in the chosen format, return 0/1 (2 for a missing directory)."""
    from runner.definitions.permissions import PermissionPolicy
    from runner.lint import exit_code, lint
    from runner.reporters import reporter

    root, files = _root_and_files(list(args.paths), options)
    report = lint(
        root,
        files,
        timezone=options.timezone,
        with_git=args.format in ("github", "sarif"),
        # Warnings only: CI checkouts have arbitrary owners. The option silences them there.
        permissions=None if options.allow_insecure_permissions else PermissionPolicy.WARN,
    )
    for given in report.outside:
        print(
            f"jobrunner: note: {given} is outside the definitions directory {root}; not checked "
            "(use --jobs-dir DIR)",
            file=sys.stderr,
        )
    sys.stdout.write(reporter(args.format)(report))
    return int(exit_code(report, strict=args.strict))
