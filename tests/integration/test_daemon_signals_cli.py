"""The daemon under a service manager: a second SIGTERM kills the running job at once, and
the sd_notify protocol (READY, STATUS, RELOADING, STOPPING, WATCHDOG) on a real socket."""

from __future__ import annotations

import json
import select
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.executor import DEFAULT_GRACE
from tests.gitrepo import GitRepo
from tests.integration.daemonproc import WAIT_S, DaemonProcess, event
from tests.integration.test_run_cli import job

GRACE_S = DEFAULT_GRACE.total_seconds()
STUBBORN = "trap 'echo got-term' TERM; echo armed; while :; do sleep 0.05; done"


def output_containing(directory: Path, text: str) -> Path:
    """The run output file under `directory` that contains `text`, within WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for path in directory.glob("*") if directory.exists() else []:
            if text in path.read_text(errors="replace"):
                return path
        select.select([], [], [], 0.02)
    pytest.fail(f"no output file under {directory} contains {text!r}")


@pytest.fixture
def stubborn(git_repo: GitRepo, tmp_path: Path) -> Iterator[DaemonProcess]:
    """A daemon running a job that ignores SIGTERM."""
    git_repo.write("jobs/stubborn.yaml", job("stubborn", f'shell: "{STUBBORN}"'))
    git_repo.commit("a job that ignores SIGTERM")
    process = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    yield process
    process.close()


def test_second_sigterm_kills_the_job_at_once(stubborn: DaemonProcess) -> None:
    """The first SIGTERM reaches the job (which ignores it); the second kills it without
    waiting out the 10 s grace period, records `interrupted`, and the daemon exits 0."""
    runs = stubborn.state.parent / "runs" / "stubborn"
    output_containing(runs, "armed")
    first = time.monotonic()
    stubborn.proc.send_signal(signal.SIGTERM)
    output_containing(runs, "got-term")
    stubborn.wait_for(event("daemon.stop_requested", immediate=False))
    stubborn.proc.send_signal(signal.SIGTERM)
    assert stubborn.proc.wait(timeout=WAIT_S) == 0
    # The grace period starts after the first SIGTERM arrived: an exit before it could have
    # run out means the second SIGTERM did the killing (however long the steps above took).
    assert time.monotonic() - first < GRACE_S
    finished = stubborn.wait_for(event("job.finished", job="stubborn"))
    assert finished["result"] == "interrupted"
    assert "SIGKILL at a second stop request" in finished["error"]
    assert "after 10 s" not in finished["error"]  # it did not wait out the grace period


class NotifySocket:
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[dict[str, str]] = []

    def wait_for(self, key: str, value: str | None = None, since: int = 0) -> dict[str, str]:
        """The first datagram (seen from index `since`, or coming) with `key` (= `value`),
        within WAIT_S."""

        def matches(message: dict[str, str]) -> bool:
            return key in message and (value is None or message[key] == value)

        for message in self.messages[since:]:
            if matches(message):
                return message
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.sock], [], [], deadline - time.monotonic())
            if not ready:
                break
            raw = self.sock.recv(4096).decode()
            message = dict(line.split("=", 1) for line in raw.splitlines() if "=" in line)
            self.messages.append(message)
            if matches(message):
                return message
        pytest.fail(f"no {key}={value} notification; got {self.messages}")


def test_sd_notify_on_a_real_socket(git_repo: GitRepo, tmp_path: Path) -> None:
    """READY=1 with a STATUS, WATCHDOG=1 pings, RELOADING=1 with MONOTONIC_USEC on SIGHUP
    followed by READY=1, and STOPPING=1 on SIGTERM."""
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["true"]'))
    git_repo.commit("job a")
    notify = NotifySocket(tmp_path / "notify.sock")
    process = DaemonProcess(
        git_repo.path / "jobs",
        tmp_path / "state" / "state.json",
        env={"NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "400000"},
    )
    try:
        ready = notify.wait_for("READY", "1")
        assert "STATUS" in ready
        notify.wait_for("WATCHDOG", "1")
        process.wait_for(event("job.finished", job="a"))
        process.proc.send_signal(signal.SIGHUP)
        reloading = notify.wait_for("RELOADING", "1")
        assert int(reloading["MONOTONIC_USEC"]) > 0
        after = notify.messages.index(reloading)
        process.wait_for(event("definitions.reloaded", reason="SIGHUP"))
        assert "STATUS" in notify.wait_for("READY", "1", since=after)
        assert process.stop() == 0
        notify.wait_for("STOPPING", "1")
        document = json.loads((process.state.parent / "daemon.json").read_text())
        assert document["state"] == "stopped"
    finally:
        process.close()
        notify.sock.close()


def test_tiny_memory_limit_is_noticed_once_not_a_restart_loop(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """`--memory-limit 1M`, below what the daemon needs after loading: it logs that once and
    keeps running jobs (it exits only when its memory doubles), so a too-small limit never
    turns into a restart loop."""
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["true"]', "1s"))
    git_repo.commit("a job every second")
    process = DaemonProcess(
        git_repo.path / "jobs", tmp_path / "state" / "state.json", args=["--memory-limit", "1M"]
    )
    try:
        notice = process.wait_for(event("memory.limit"))
        assert "Raise --memory-limit" in notice["message"]
        first = process.wait_for(event("job.finished", job="a"))
        process.wait_for(
            lambda line: event("job.finished", job="a")(line) and line["run_id"] != first["run_id"]
        )
        assert process.proc.poll() is None
        assert process.stop() == 0
        lines = process.read_rest()
        assert [line["event"] for line in lines].count("memory.limit") == 1
        assert not any(line["event"] == "memory.exit" for line in lines)
        report = json.loads((process.state.parent / "daemon.json").read_text())
        assert report["memory"]["limit_bytes"] == 1 << 20
        assert report["memory"]["rss_bytes"] > report["memory"]["limit_bytes"]
    finally:
        process.close()
