"""What this platform supports, said in one place (SPEC §1).

`run`, `run-job` and the daemon need Linux: process groups (`os.setsid`, `os.killpg`),
`fcntl` locks, `os.pipe2`, the user and group databases (`pwd`, `grp`). `lint`, `schema`,
`period` and `plan` also work where those are missing (macOS and Windows CI runners): the
modules they import touch none of them at import time, and lint's permission findings
(owners and modes) are skipped where files have no POSIX owners. Every other command is
refused there with one line (`refusal`), not a traceback.

The POSIX modules are imported here, at start-up, as before on Linux (guarded, not lazily):
a process that later loses the right to read the standard library (a test that becomes
`nobody`) still finds them, and the later `import grp` of a function is a dictionary look-up.
"""

from __future__ import annotations

import os
import signal

try:
    import grp  # noqa: F401
    import pwd  # noqa: F401
except ImportError:  # Windows
    _ACCOUNT_MODULES = False
else:
    _ACCOUNT_MODULES = True
try:
    import fcntl  # noqa: F401
except ImportError:  # Windows
    _FCNTL = False
else:
    _FCNTL = True

PORTABLE_COMMANDS = ("lint", "schema", "period", "plan")
"""The commands promised to work without the POSIX pieces below (SPEC §1)."""
_ALSO_PORTABLE = ("import-director",)
"""Works there too (it converts files), though SPEC §1 does not promise it."""

_HAS_ACCOUNTS = _ACCOUNT_MODULES and os.name == "posix" and hasattr(os, "geteuid")
_JOB_FUNCTIONS = ("setsid", "killpg", "getpgid", "pipe2", "WNOHANG")
_RUNS_JOBS = (
    _HAS_ACCOUNTS
    and _FCNTL
    and all(hasattr(os, name) for name in _JOB_FUNCTIONS)
    and all(hasattr(signal, name) for name in ("SIGHUP", "SIGKILL", "SIGCHLD"))
)


def has_accounts() -> bool:
    """Files have POSIX owners and modes, and users and groups have names (`pwd`, `grp`):
    the permission check of the definitions and of the env file means something."""
    return _HAS_ACCOUNTS


def effective_uid() -> int | None:
    """This process's effective user id, or None where there are no POSIX users (Windows)."""
    return os.geteuid() if _HAS_ACCOUNTS else None


def runs_jobs() -> bool:
    """Everything `run`, `run-job` and the daemon need is here (Linux)."""
    return _RUNS_JOBS


def refusal(command: str) -> str | None:
    """The one line that refuses `command` on this platform, or None when it works here."""
    if command in PORTABLE_COMMANDS or command in _ALSO_PORTABLE or _RUNS_JOBS:
        return None
    *first, last = PORTABLE_COMMANDS
    return f"`jobrunner {command}` needs Linux; {', '.join(first)} and {last} work here"
