"""`jobrunner plan [--base REV] [--head REV] [--format text|markdown|json]`: what a change to
the definitions does to the schedule, read from git objects (no checkout)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from runner.exitcodes import ExitCode
from runner.options import GlobalOptions
from runner.planner import JobTiming

NAME = "plan"
HELP = "what a change does to the schedule (for pull-request reviews)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Revisions and output format."""
    parser.add_argument(
        "--base",
        metavar="REV",
        help="revision to compare with (default: merge base with $GITHUB_BASE_REF, then "
        "$CI_MERGE_REQUEST_DIFF_BASE_SHA, then the merge base with origin/HEAD)",
    )
    parser.add_argument("--head", metavar="REV", help="revision to plan (default: HEAD)")
    parser.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="output format (default text; markdown: ready to post as a pull-request comment)",
    )


def _state(options: GlobalOptions, now: datetime) -> tuple[str | None, dict[str, JobTiming]]:
    """The recorded timings when a state file is readable; (None, {}) otherwise (every job
    then counts as never run)."""
    from runner.commands.common import state_path
    from runner.state import StateError, load_state

    path, _origin = state_path(options)
    try:
        readable = path.is_file() and os.access(path, os.R_OK)
    except OSError:  # EACCES on its directory: the runner's state, and we are not its group
        readable = False
    if not readable:
        return None, {}
    try:
        data, _warnings = load_state(path)
    except (StateError, OSError):
        return None, {}
    timings = {}
    for name in data.jobs:
        job = data.job(name)
        if job is not None:
            timings[name] = job.timing(now)
    return str(path), timings


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Load both revisions from git, compare them, print; exit 1 when the head does not lint."""
    from runner.clock import utcnow
    from runner.definitions import load_from_files
    from runner.diagnostics import errors
    from runner.jobtypes import default_registry
    from runner.plan import compute_plan
    from runner.plan.gitsource import resolve_sources
    from runner.plan.model import PlanContext
    from runner.plan.render import render

    sources = resolve_sources(options.jobs_dir, args.base, args.head, os.environ)
    registry = default_registry()
    root = Path(sources.toplevel, sources.subdir)
    loaded = [
        load_from_files(side.files, root=root, timezone=options.timezone, registry=registry)
        for side in (sources.base, sources.head)
    ]
    now = utcnow()
    state_file, timings = _state(options, now)
    notes = []
    if sources.dirty:
        notes.append(f"uncommitted changes in {sources.subdir} are not part of this plan")
    if not sources.head.present:
        notes.append(f"{sources.subdir} does not exist at the head revision")
    base_errors = len(errors(loaded[0].diagnostics))
    if base_errors:
        notes.append(f"the base revision has {base_errors} error(s); its valid part is compared")
    diff = compute_plan(
        loaded[0].definitions,
        loaded[1].definitions,
        loaded[1].diagnostics,
        now=now,
        state=timings if state_file else None,
        base_errors=base_errors,
    )
    context = PlanContext(
        sources.base.label,
        sources.base.commit,
        sources.head.label,
        sources.head.commit,
        sources.subdir,
        state_file,
        tuple(notes),
    )
    sys.stdout.write(render(args.format, diff, context))
    return int(ExitCode.OK if diff.is_valid else ExitCode.FAILURE)
