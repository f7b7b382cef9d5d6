"""The daemon (`run --forever`) as a service runs it: the real CLI as a subprocess against a
temporary git repository, observed through its JSON log lines, stopped with real signals."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment, run_cli
from tests.integration.test_run_cli import job

WAIT_S = 20.0


class DaemonProcess:
    """A running daemon whose log lines can be awaited."""

    def __init__(self, repo: GitRepo, state: Path) -> None:
        self.state = state
        self.lines: list[dict[str, Any]] = []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runner",
                "--jobs-dir",
                str(repo.path / "jobs"),
                "--log-format",
                "json",
                "run",
                "--forever",
            ],
            env=cli_environment(state, None),
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        self._buffer = b""

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first log line (seen or coming) matching `predicate`, within WAIT_S."""
        for line in self.lines:
            if predicate(line):
                return line
        deadline = time.monotonic() + WAIT_S
        assert self.proc.stderr is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stderr], [], [], deadline - time.monotonic())
            if not ready:
                break
            chunk = self.proc.stderr.read1(65536)  # type: ignore[attr-defined]
            if not chunk:
                break
            self._buffer += chunk
            *complete, self._buffer = self._buffer.split(b"\n")
            fresh = [json.loads(raw) for raw in complete]
            self.lines.extend(fresh)
            for line in fresh:
                if predicate(line):
                    return line
        pytest.fail(f"no matching log line; got {[line.get('event') for line in self.lines]}")

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


@pytest.fixture
def daemon(git_repo: GitRepo, tmp_path: Path) -> Iterator[DaemonProcess]:
    """A daemon over a repository with one committed hourly job `a`."""
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["sh", "-c", "echo a"]'))
    git_repo.commit("job a")
    process = DaemonProcess(git_repo, tmp_path / "state" / "state.json")
    yield process
    if process.proc.poll() is None:
        process.proc.kill()
        process.proc.wait()
    if process.proc.stderr is not None:
        process.proc.stderr.close()


def event(name: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    """A predicate for a log line with event `name` and the given fields."""
    return lambda line: (
        line.get("event") == name and all(line.get(k) == v for k, v in fields.items())
    )


def test_new_job_file_runs_without_restart(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """A job file added while the daemon runs is loaded and run; SIGTERM then exits 0."""
    daemon.wait_for(event("job.finished", job="a", result="success"))
    git_repo.write("jobs/b.yaml", job("b", 'argv: ["sh", "-c", "echo b"]'))
    reloaded = daemon.wait_for(event("definitions.reloaded"))
    assert reloaded["added"] == ["b"]
    daemon.wait_for(event("job.finished", job="b", result="success"))
    assert daemon.report_when(lambda d: d["jobs"] == 2)["reloads"] == 1
    assert daemon.stop() == 0
    assert json.loads((daemon.state.parent / "daemon.json").read_text())["state"] == "stopped"


def test_broken_change_keeps_old_set_then_fix_applies(
    daemon: DaemonProcess, git_repo: GitRepo
) -> None:
    """An invalid file is refused with its line, the old job set stays; the fix is loaded."""
    daemon.wait_for(event("job.finished", job="a"))
    git_repo.write("jobs/c.yaml", "kind: Job\nname: c\ntype: command\ninterval: soon\n")
    invalid = daemon.wait_for(event("definitions.invalid"))
    assert invalid["where"].startswith("c.yaml:")
    daemon.wait_for(event("reload.refused"))
    report = daemon.report_when(lambda d: d["reload_failures"] == 1)
    assert report["degraded"] is True
    assert report["reload_errors"][0]["file"] == "c.yaml"
    assert report["jobs"] == 1
    git_repo.write("jobs/c.yaml", job("c", 'argv: ["true"]'))
    fixed = daemon.wait_for(event("definitions.reloaded"))
    assert fixed["added"] == ["c"]
    daemon.wait_for(event("job.finished", job="c", result="success"))
    assert daemon.stop() == 0


def test_sigterm_during_job_records_interrupted(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """SIGTERM while a job runs stops it gracefully, records `interrupted` and exits 0."""
    daemon.wait_for(event("job.finished", job="a"))
    git_repo.write("jobs/slow.yaml", job("slow", 'argv: ["sleep", "60"]'))
    daemon.wait_for(event("job.started", job="slow"))
    assert daemon.stop() == 0
    finished = daemon.wait_for(event("job.finished", job="slow"))
    assert finished["result"] == "interrupted"


def test_pause_from_another_shell(daemon: DaemonProcess, git_repo: GitRepo) -> None:
    """`jobrunner pause` while the daemon holds the lock stops job starts until resume."""
    daemon.wait_for(event("job.finished", job="a"))
    paused = run_cli("pause", "--reason", "incident", state_file=daemon.state)
    assert paused.returncode == 0, paused.stderr
    daemon.wait_for(event("daemon.paused", reason="incident"))
    git_repo.write("jobs/b.yaml", job("b", 'argv: ["true"]'))
    daemon.wait_for(event("definitions.reloaded"))
    assert not (daemon.state.parent / "runs" / "b").exists()
    assert run_cli("resume", state_file=daemon.state).returncode == 0
    daemon.wait_for(event("job.finished", job="b", result="success"))
    assert daemon.stop() == 0


def test_run_job_through_the_running_daemon(daemon: DaemonProcess) -> None:
    """run-job while the daemon holds the lock is run by the daemon, with the job's outcome;
    an unknown job is refused with exit 2."""
    first = daemon.wait_for(event("job.finished", job="a"))
    done = run_cli("run-job", "a", state_file=daemon.state)
    assert done.returncode == 0, done.stderr
    assert "a: success" in done.stdout
    daemon.wait_for(event("job.requested", job="a"))
    again = daemon.wait_for(
        lambda line: event("job.finished", job="a")(line) and line["run_id"] != first["run_id"]
    )
    assert again["result"] == "success"
    unknown = run_cli("run-job", "nope", state_file=daemon.state)
    assert unknown.returncode == 2
    assert "unknown job" in unknown.stderr
    assert not list((daemon.state.parent / "requests").iterdir())
    assert daemon.stop() == 0


def test_status_shows_a_job_waiting_behind_the_running_one(
    daemon: DaemonProcess, git_repo: GitRepo
) -> None:
    """A due job behind a long one is shown as `waiting behind` by `status`, with the daemon."""
    daemon.wait_for(event("job.finished", job="a"))
    git_repo.write(
        "jobs/long.yaml",
        job("aa-long", 'argv: ["sleep", "30"]') + "\n---\n" + job("zz", 'argv: ["true"]'),
    )
    daemon.wait_for(event("job.started", job="aa-long"))
    daemon.report_when(lambda d: [w["job"] for w in d["waiting"]] == ["zz"])
    shown = run_cli(
        "--jobs-dir",
        str(git_repo.path / "jobs"),
        "status",
        "--format",
        "json",
        state_file=daemon.state,
    )
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    rows = {row["job"]: row for row in document["jobs"]}
    assert rows["zz"]["waiting_behind"] == "aa-long"
    assert rows["zz"]["why"].startswith("waiting behind aa-long for ")
    assert document["daemon"]["alive"] is True
    assert daemon.stop() == 0


def test_sighup_reloads(daemon: DaemonProcess) -> None:
    """SIGHUP forces a rescan, logged with its reason, without stopping the daemon."""
    daemon.wait_for(event("job.finished", job="a"))
    daemon.proc.send_signal(signal.SIGHUP)
    reloaded = daemon.wait_for(event("definitions.reloaded", reason="SIGHUP"))
    assert reloaded["jobs"] == 1
    assert daemon.proc.poll() is None
    assert daemon.stop() == 0
