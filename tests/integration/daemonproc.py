"""A real `jobrunner run --forever` subprocess for integration tests, observed through its
JSON log lines and its `daemon.json`, stopped with real signals."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.integration.cli import cli_environment

WAIT_S = 20.0


class DaemonProcess:
    """A running daemon over `jobs_dir` whose log lines can be awaited."""

    def __init__(
        self,
        jobs_dir: Path,
        state: Path,
        *,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.state = state
        self.lines: list[dict[str, Any]] = []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runner",
                "--jobs-dir",
                str(jobs_dir),
                "--log-format",
                "json",
                "run",
                "--forever",
                *args,
            ],
            env=cli_environment(state, env),
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        self._buffer = b""

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = WAIT_S
    ) -> dict[str, Any]:
        """The first log line (seen or coming) matching `predicate`, within `timeout`."""
        for line in self.lines:
            if predicate(line):
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fresh = self._read(deadline - time.monotonic())
            if fresh is None:
                break
            for line in fresh:
                if predicate(line):
                    return line
        pytest.fail(
            f"no matching log line; got {[line.get('event') for line in self.lines]}"
            + self._not_json()
        )

    def read_rest(self) -> list[dict[str, Any]]:
        """Every log line, after the process has exited (reads stderr to its end)."""
        self.proc.wait(timeout=WAIT_S)
        while self._read(WAIT_S) is not None:
            pass
        return self.lines

    def _read(self, timeout: float) -> list[dict[str, Any]] | None:
        """Lines that arrived within `timeout`; None at end of file or on timeout."""
        assert self.proc.stderr is not None
        ready, _, _ = select.select([self.proc.stderr], [], [], max(0.0, timeout))
        if not ready:
            return None
        chunk = self.proc.stderr.read1(65536)  # type: ignore[attr-defined]
        if not chunk:
            return None
        self._buffer += chunk
        *complete, self._buffer = self._buffer.split(b"\n")
        fresh = [_parse(raw) for raw in complete]
        self.lines.extend(fresh)
        return fresh

    def _not_json(self) -> str:
        """What the daemon wrote to stderr that is not a log line (a traceback, say), and
        its exit code if it has exited, for a failure message."""
        text = "\n".join(line["text"] for line in self.lines if line.get("event") is None)
        code = self.proc.poll()
        return (f"; exit code {code}" if code is not None else "") + (
            f"; other output:\n{text}" if text else ""
        )

    def report_when(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """daemon.json once it satisfies `predicate` (it is rewritten right after each reload),
        checked until WAIT_S have passed."""
        deadline = time.monotonic() + WAIT_S
        path = self.state.parent / "daemon.json"
        while time.monotonic() < deadline:
            try:
                document: dict[str, Any] = json.loads(path.read_text())
            except (OSError, ValueError):
                document = {}
            if document and predicate(document):
                return document
            select.select([], [], [], 0.02)
        pytest.fail(f"daemon.json never matched; last: {path.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig` and return the exit code."""
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=WAIT_S)

    def close(self) -> None:
        """Kill the daemon if it still runs and close its pipe (fixture teardown)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def _parse(raw: bytes) -> dict[str, Any]:
    """A JSON log line, or `{"event": None, "text": ...}` for anything else the daemon printed
    (a traceback must show up in the failure, not as a JSONDecodeError of the test)."""
    try:
        line: dict[str, Any] = json.loads(raw)
    except ValueError:
        return {"event": None, "text": raw.decode(errors="replace")}
    return line


def event(name: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    """A predicate for a log line with event `name` and the given fields."""
    return lambda line: (
        line.get("event") == name and all(line.get(k) == v for k, v in fields.items())
    )
