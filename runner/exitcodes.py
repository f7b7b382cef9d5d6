"""Exit codes of the command line (SPEC §4): one place decides them."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a `jobrunner` command returns to its caller."""

    OK = 0
    """Success: definitions are valid, every job that ran succeeded."""

    FAILURE = 1
    """Lint errors (warnings too with `--strict`), or a job did not succeed."""

    USAGE = 2
    """Usage error, unknown job, missing definitions directory, invalid definitions, or
    another runner holds the lock."""


class CheckState(enum.IntEnum):
    """Monitoring-plugin convention used by `jobrunner check`."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3
