"""`jobrunner resume`: allow starting jobs on this host again (undoes `jobrunner pause`)."""

from __future__ import annotations

import argparse

from runner.commands.common import state_path
from runner.daemonfile import clear_pause, read_pause
from runner.exitcodes import ExitCode
from runner.options import GlobalOptions

NAME = "resume"
HELP = "allow starting jobs on this host again"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`resume` has no options of its own."""
    del parser


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Remove the pause file; say whose pause ended, or that there was none."""
    del args
    path, _origin = state_path(options)
    before = read_pause(path.parent)
    if not clear_pause(path.parent):
        print("jobrunner: job starts were not paused")
        return int(ExitCode.OK)
    what = before.describe() if before is not None else "paused"
    print(f"jobrunner: job starts resumed (were {what})")
    return int(ExitCode.OK)
