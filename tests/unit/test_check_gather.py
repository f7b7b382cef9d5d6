"""What `jobrunner check` reads (`runner.check.gather`) and how read problems become UNKNOWN:
corrupt, unreadable or newer state, corrupt daemon.json, malformed job records."""

from __future__ import annotations

import argparse
import json
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runner.check import Limits, Mode
from runner.check.gather import busy_run, gather, job_states, read_daemon_view
from runner.commands.check import check
from runner.exitcodes import CheckState
from runner.options import GlobalOptions
from runner.state import JobState, OpenAttempt, StateData
from runner.state.procinfo import current_boot_id, process_start_ticks
from tests.unit.check_fixtures import job

JOB = "kind: Job\nname: a\ntype: command\ninterval: 1h\nsettings: {argv: [/bin/true]}\n"


@pytest.fixture
def options(tmp_path: Path) -> GlobalOptions:
    """Options for a jobs dir with one job and a state file in `tmp_path/state`."""
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "a.yaml").write_text(JOB)
    (tmp_path / "state").mkdir()
    return GlobalOptions.from_values(
        jobs_dir=str(jobs),
        state_file=str(tmp_path / "state" / "state.json"),
        timezone="UTC",
        log_format=None,
        verbose=False,
    )


def args(**kwargs: object) -> argparse.Namespace:
    """Parsed `check` options with their defaults."""
    values: dict[str, object] = {
        "job": None,
        "mode": "cron",
        "grace": timedelta(minutes=30),
        "warn_wait": timedelta(minutes=15),
        "max_pass_age": timedelta(minutes=15),
        "warn_failures": 1,
        "crit_failures": 1,
    }
    values.update(kwargs)
    return argparse.Namespace(**values)


def state_dir(options: GlobalOptions) -> Path:
    """The state directory of `options`."""
    assert options.state_file is not None
    return options.state_file.parent


def test_empty_state_and_missing_files_read_as_absent(options: GlobalOptions) -> None:
    """Without any state file yet, the input has the job, no state, no daemon, no pass."""
    data = gather(options, Limits(mode=Mode.CRON))
    assert list(data.jobs) == ["a"]
    assert (data.states, data.last_pass, data.daemon, data.pause) == ({}, None, None, None)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is unreadable: not valid JSON"),
        ('{"version": 99, "jobs": {}}', "written by a newer jobrunner"),
        ('{"version": 1, "jobs": {"a": {"last_attempt": "yesterday"}}}', "record of job 'a'"),
    ],
)
def test_bad_state_is_unknown(options: GlobalOptions, content: str, expected: str) -> None:
    """A corrupt or newer snapshot and a malformed record are UNKNOWN with the reason."""
    assert options.state_file is not None
    options.state_file.write_text(content)
    result = check(args(), options)
    assert result.state == CheckState.UNKNOWN
    assert expected in result.summary


def test_unreadable_state_and_corrupt_daemon_json_are_unknown(
    options: GlobalOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state path naming a directory, a state the user may not read and a corrupt
    daemon.json are UNKNOWN, each with what to do."""
    assert options.state_file is not None
    options.state_file.mkdir()
    result = check(args(), options)
    assert result.state == CheckState.UNKNOWN
    assert "is a directory; name a file in it" in result.summary
    options.state_file.rmdir()
    options.state_file.write_text('{"version": 1, "jobs": {}}')

    def denied(path: Path) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    # Root reads every file whatever its mode, so the denial is injected at the reader.
    monkeypatch.setattr("runner.check.gather.load_state", denied)
    result = check(args(), options)
    assert result.state == CheckState.UNKNOWN
    assert f"cannot read the state {options.state_file}: Permission denied" in result.summary
    assert "runner's group" in result.summary
    monkeypatch.undo()
    (state_dir(options) / "daemon.json").write_text("[1, 2")
    result = check(args(mode="daemon"), options)
    assert result.state == CheckState.UNKNOWN
    assert "daemon.json is not a JSON object" in result.summary


def test_missing_jobs_dir_and_thresholds_are_unknown(options: GlobalOptions) -> None:
    """A missing definitions directory and --warn-failures above --crit-failures: UNKNOWN."""
    result = check(args(warn_failures=3), options)
    assert (result.state, result.summary.split(" is ")[0]) == (3, "--warn-failures 3")
    gone = GlobalOptions.from_values(
        jobs_dir="/nonexistent/jobs.d",
        state_file=str(options.state_file),
        timezone=None,
        log_format=None,
        verbose=False,
    )
    result = check(args(), gone)
    assert result.state == CheckState.UNKNOWN
    assert result.summary.startswith("definitions directory /nonexistent/jobs.d does not exist")


def test_daemon_view_checks_the_pid_on_this_host_only(tmp_path: Path) -> None:
    """The pid of a daemon on this host is looked up; on another host it is not judged."""
    document = {
        "version": 1,
        "pid": os.getpid(),
        "hostname": socket.gethostname(),
        "state": "running",
        "heartbeat": "2026-11-25T07:05:00.000Z",
        "reload_errors": [{"file": "x.yaml", "line": 3, "column": 5, "message": "bad"}],
        "current_job": {"job": "long", "started": "2026-11-25T07:00:00.000Z"},
        "waiting": [{"job": "a", "due_since": "2026-11-25T07:01:00.000Z"}],
    }
    (tmp_path / "daemon.json").write_text(json.dumps(document))
    view = read_daemon_view(tmp_path)
    assert view is not None
    assert view.pid_alive is True
    assert view.reload_errors == ("x.yaml:3:5: bad",)
    assert [(w.job, w.behind) for w in view.waiting] == [("a", "long")]
    (tmp_path / "daemon.json").write_text(json.dumps({**document, "hostname": "elsewhere"}))
    elsewhere = read_daemon_view(tmp_path)
    assert elsewhere is not None
    assert elsewhere.pid_alive is None


def test_renamed_job_reads_the_old_record() -> None:
    """A job renamed with `renamed_from` is judged on its old record until the runner moves it."""
    data = StateData(jobs={"old": {"runs": 4, "last_result": "failure"}})
    states = job_states(data, {"new": job("new", renamed_from=("old",))}, Path("/s/state.json"))
    assert states["new"].runs == 4


def test_busy_run_needs_a_live_process_of_this_boot() -> None:
    """An open attempt of a live process (this test) counts as a busy pass; a dead one not."""
    started = datetime(2026, 11, 25, 7, tzinfo=UTC)
    pid = os.getpid()

    def attempt(pid: int, leader_start: int | None) -> JobState:
        return JobState(
            attempt=OpenAttempt("r1", started, None, current_boot_id(), pid, pid, leader_start)
        )

    live = {"long": attempt(pid, process_start_ticks(pid))}
    busy = busy_run(live)
    assert busy is not None
    assert (busy.job, busy.started) == ("long", started)
    assert busy_run({"long": attempt(pid, 1)}) is None  # the pid was reused
    assert busy_run({"long": attempt(2**22 + 12345, None)}) is None
