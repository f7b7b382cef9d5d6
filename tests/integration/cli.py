"""Run the real `jobrunner` CLI as a subprocess, isolated from the caller's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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


REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
AS_NOBODY = """
import locale, os, sys
import runner.commands.run
from runner.cli import build_parser, main
# everything imported as root: the interpreter and venv may live where nobody cannot read
build_parser()
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
sys.exit(main(sys.argv[1:]))
"""


def run_cli_as_nobody(
    *args: str, state_file: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Like `run_cli`, as the user nobody (the caller must be root): imports happen as root,
    then the process drops to nobody and runs the CLI."""
    return subprocess.run(
        [sys.executable, "-c", AS_NOBODY, *args],
        env={**cli_environment(state_file), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def tree_nobody_can_read() -> Iterator[tuple[Path, Path]]:
    """A temporary base directory that every user may enter (pytest's own is 0700), holding
    `jobs/a.yaml` (an hourly `true`); yields (jobs directory, base)."""
    with tempfile.TemporaryDirectory() as name:
        base = Path(name)
        base.chmod(0o755)
        jobs = base / "jobs"
        jobs.mkdir(mode=0o755)
        (jobs / "a.yaml").write_text(
            'kind: Job\nname: a\ntype: command\ninterval: 1h\nsettings:\n  argv: ["true"]\n'
        )
        yield jobs, base
