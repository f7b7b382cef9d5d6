"""Run the real `jobrunner` CLI as a subprocess, isolated from the caller's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "SYSTEMROOT")


def cli_environment(
    state_file: Path | None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A clean environment: no JOBRUNNER_*, NOTIFY_SOCKET or TZ from the caller."""
    env = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    env["TZ"] = "UTC"
    if state_file is not None:
        env["JOBRUNNER_STATE_FILE"] = str(state_file)
    env.update(extra or {})
    return env


def run_cli(
    *args: str,
    cwd: Path | None = None,
    state_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m runner ARGS` and return the finished process (never raises on exit code)."""
    return subprocess.run(
        [sys.executable, "-m", "runner", *args],
        cwd=cwd,
        env=cli_environment(state_file, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def json_stdout(done: subprocess.CompletedProcess[str]) -> Any:
    """The command's stdout parsed as JSON; when it is not JSON (the command failed, or crashed
    with a traceback), the test fails showing the exit code and stderr, not a JSONDecodeError."""
    try:
        return json.loads(done.stdout)
    except ValueError:
        pytest.fail(
            f"exit {done.returncode}; stdout is not JSON: {done.stdout[:500]!r}\n"
            f"stderr:\n{done.stderr}"
        )
