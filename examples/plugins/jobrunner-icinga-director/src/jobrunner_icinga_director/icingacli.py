"""Running `icingacli director ...` and reading what it says.

Director's CLI often exits 0 although the task failed: an import source whose fetch threw is
reported as "This Import Source failed: ..." and a failed deployment as "Failed to deploy
config ...". `failure_in` therefore reads the output as well as the exit status.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FAILURE_PATTERNS = (
    re.compile(r"^ERROR: .+"),
    re.compile(r"^PHP (?:Fatal|Parse) error: .+"),
    re.compile(r"^This Import Source failed: .+"),
    re.compile(r"^This Sync Rule failed: .+"),
    re.compile(r"^Failed to deploy config .+"),
)
"""Lines that mean the task failed, whatever the exit status."""

SYNC_CHECK_OK = frozenset({0, 1, 3})
"""`syncrule check` exits 1 for pending changes and 3 for an unknown state: not failures."""

_LIST_ROW = re.compile(r"^\s*(\d+)\s*\|\s*(.*?)\s*$")


@dataclass(frozen=True, slots=True)
class CliResult:
    """What one icingacli call printed (stdout and stderr, in order) and how it exited."""

    argv: tuple[str, ...]
    exit_code: int
    lines: tuple[str, ...]


def failure_in(result: CliResult) -> str | None:
    """Why `result` is a failure, in words; None when the task succeeded."""
    for line in result.lines:
        if any(pattern.match(line) for pattern in FAILURE_PATTERNS):
            return f"{' '.join(result.argv)}: {line.strip()}"
    is_sync_check = result.argv[-4:-2] == ("syncrule", "check")
    if result.exit_code == 0 or (is_sync_check and result.exit_code in SYNC_CHECK_OK):
        return None
    last = next((line.strip() for line in reversed(result.lines) if line.strip()), "")
    detail = f": {last}" if last else " without output"
    return f"{' '.join(result.argv)} exited with code {result.exit_code}{detail}"


def parse_list(lines: Sequence[str]) -> dict[str, int]:
    """Names and ids from `importsource list` / `syncrule list` (`   3 | CMDB hosts`)."""
    found: dict[str, int] = {}
    for line in lines:
        match = _LIST_ROW.match(line)
        if match and match.group(2):
            found[match.group(2)] = int(match.group(1))
    return found


Runner = Callable[[Sequence[str]], CliResult]
"""Runs one command line; the job type uses `run_cli`, tests may pass a fake."""


def run_cli(argv: Sequence[str]) -> CliResult:
    """Run `argv`, copy its output to ours (the run's output file) and keep the lines.

    The child stays in the job's process group, so the runner's timeout and stop reach it.
    """
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        return CliResult(tuple(argv), 127, (f"ERROR: cannot start {argv[0]}: {exc.strerror}",))
    assert process.stdout is not None
    with process:
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line.rstrip("\n"))
    return CliResult(tuple(argv), process.returncode, tuple(lines))
