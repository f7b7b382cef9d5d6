"""`jobrunner pause [--reason TEXT]`: stop starting jobs on this host until `resume`.

Works from any shell on the host with the state resolution every command uses, also while a
runner holds the lock: the pause is its own file (`pause.json`) in the state directory. While
paused, `run` starts no job (it exits 0 and says why); a job already running finishes.
"""

from __future__ import annotations

import argparse
import sys

from runner.clock import utcnow
from runner.commands.common import state_path
from runner.daemonfile import Pause, read_pause, whoami, write_pause
from runner.exitcodes import ExitCode
from runner.options import GlobalOptions

NAME = "pause"
HELP = "stop starting jobs on this host until `jobrunner resume`"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `pause`."""
    parser.add_argument("--reason", metavar="TEXT", help="why (shown by status)")


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Write the pause file; say who paused before when already paused."""
    path, _origin = state_path(options)
    state_dir = path.parent
    before = read_pause(state_dir)
    pause = Pause(whoami(), utcnow(), args.reason)
    write_pause(state_dir, pause)
    if before is not None:
        print(f"jobrunner: was already {before.describe()}; pause replaced", file=sys.stderr)
    print(f"jobrunner: job starts {pause.describe()} ({state_dir / 'pause.json'})")
    return int(ExitCode.OK)
