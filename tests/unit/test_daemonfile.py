"""Tests for runner.daemonfile and runner.runrequests: pause.json, daemon.json liveness and
run-now request files."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runner import runrequests
from runner.daemonfile import (
    Pause,
    clear_pause,
    is_daemon_alive,
    pid_exists,
    read_daemon,
    read_pause,
    write_daemon,
    write_pause,
)
from runner.state import format_instant

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_pause_round_trip_and_resume(tmp_path: Path) -> None:
    """A written pause reads back equal, mode 0640; clearing it twice says it was gone."""
    pause = Pause("alice@web1", NOW, "incident 42")
    write_pause(tmp_path / "state", pause)
    assert read_pause(tmp_path / "state") == pause
    assert (tmp_path / "state" / "pause.json").stat().st_mode & 0o777 == 0o640
    assert "incident 42" in pause.describe()
    assert clear_pause(tmp_path / "state") is True
    assert clear_pause(tmp_path / "state") is False
    assert read_pause(tmp_path / "state") is None


def test_malformed_pause_file_reads_as_absent(tmp_path: Path) -> None:
    """Garbage or a bad timestamp in pause.json is not a pause (and does not raise)."""
    (tmp_path / "pause.json").write_text("{not json")
    assert read_pause(tmp_path) is None
    (tmp_path / "pause.json").write_text('{"by": "x", "at": "yesterday"}')
    assert read_pause(tmp_path) is None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_unreaped_daemon_is_dead() -> None:
    """A daemon killed (SIGKILL) but not yet reaped by its parent is a zombie: dead for
    `status` and `check`, although signal 0 still reaches its pid."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, left unreaped
        document = {
            "pid": child.pid,
            "hostname": socket.gethostname(),
            "state": "idle",
            "heartbeat": format_instant(NOW),
        }
        assert not pid_exists(child.pid)
        assert not is_daemon_alive(document, NOW)
        assert pid_exists(os.getpid())
    finally:
        child.wait(timeout=10)


def test_daemon_liveness(tmp_path: Path) -> None:
    """A fresh heartbeat of a live pid is alive; stale, stopped or dead pids are not."""
    document = {
        "pid": os.getpid(),
        "hostname": socket.gethostname(),
        "state": "idle",
        "heartbeat": format_instant(NOW),
    }
    write_daemon(tmp_path, document)
    assert read_daemon(tmp_path) == {"version": 1, **document}
    assert is_daemon_alive(read_daemon(tmp_path), NOW + timedelta(seconds=30))
    assert not is_daemon_alive(read_daemon(tmp_path), NOW + timedelta(minutes=5))
    assert not is_daemon_alive({**document, "state": "stopped"}, NOW)
    assert not is_daemon_alive({**document, "pid": 2**22 + 12345}, NOW)
    assert not is_daemon_alive(None, NOW)


def test_request_submit_pending_answer(tmp_path: Path) -> None:
    """A submitted request is pending until answered; the answer replaces it."""
    request_id = runrequests.submit(tmp_path, "backup", NOW)
    [pending] = runrequests.pending(tmp_path)
    assert (pending.request_id, pending.job, pending.at) == (request_id, "backup", NOW)
    assert runrequests.read_result(tmp_path, request_id) is None
    runrequests.answer(tmp_path, request_id, {"job": "backup", "result": "success"})
    assert runrequests.pending(tmp_path) == []
    result = runrequests.read_result(tmp_path, request_id)
    assert result is not None
    assert result["result"] == "success"
    runrequests.remove_result(tmp_path, request_id)
    assert runrequests.read_result(tmp_path, request_id) is None


def test_an_answered_request_is_never_pending_again(tmp_path: Path) -> None:
    """The request is gone before its result appears; a request left beside its result
    (a daemon stopped between the two) is not run a second time, and is cleaned up."""
    request_id = runrequests.submit(tmp_path, "backup", NOW)
    directory = runrequests.requests_dir(tmp_path)
    runrequests.answer(tmp_path, request_id, {"job": "backup", "result": "success"})
    assert sorted(p.name for p in directory.iterdir()) == [f"{request_id}.result.json"]
    again = runrequests.submit(tmp_path, "backup", NOW)
    (directory / f"{again}.result.json").write_text('{"version": 1, "result": "success"}')
    assert runrequests.pending(tmp_path) == []
    assert not (directory / f"{again}.json").exists()


def test_unreadable_request_is_rejected(tmp_path: Path) -> None:
    """A request file that is not JSON is answered as rejected, not retried forever."""
    directory = runrequests.requests_dir(tmp_path)
    directory.mkdir()
    (directory / "bad.json").write_text("nope")
    assert runrequests.pending(tmp_path) == []
    result = runrequests.read_result(tmp_path, "bad")
    assert result is not None
    assert result["result"] == "rejected"


def test_withdraw(tmp_path: Path) -> None:
    """A request not yet picked up can be withdrawn once."""
    request_id = runrequests.submit(tmp_path, "backup", NOW)
    assert runrequests.withdraw(tmp_path, request_id) is True
    assert runrequests.withdraw(tmp_path, request_id) is False
