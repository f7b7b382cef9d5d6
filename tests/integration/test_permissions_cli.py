"""Through the real CLI: `run`, `run-job` and the daemon refuse definitions that other users
can change, name the file and the fix, and run them with `--allow-insecure-permissions`;
`lint` only warns."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from runner.definitions.permissions import UNTRUSTED_GIT
from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment, json_stdout, run_cli
from tests.integration.daemonproc import DaemonProcess, event
from tests.integration.test_run_cli import job

NOBODY = 65534
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="giving files to another user (chown, user=) needs root"
)


def _tree(root: Path) -> Path:
    root.mkdir(parents=True)
    path = root / "a.yaml"
    path.write_text(job("a", 'argv: ["true"]'))
    path.chmod(0o644)
    return path


def _run(root: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return run_cli(
        "--jobs-dir", str(root), *args, state_file=tmp_path / "state" / "state.json", env=env
    )


def test_run_refuses_a_world_writable_file_and_names_the_fix(tmp_path: Path) -> None:
    """`run` exits 2 on an o+w definition: the file, the code and `chmod o-w PATH` are shown."""
    path = _tree(tmp_path / "jobs")
    path.chmod(0o646)
    done = _run(tmp_path / "jobs", tmp_path, "run")
    assert done.returncode == 2
    assert "a.yaml: error[insecure-permissions]" in done.stderr
    assert f"chmod o-w {path.resolve()}" in done.stderr
    assert not (tmp_path / "state" / "runs" / "a").exists()


def test_allow_option_and_variable_run_it(tmp_path: Path) -> None:
    """`--allow-insecure-permissions` (before or after the command) and the variable run it."""
    _tree(tmp_path / "jobs").chmod(0o646)
    first = _run(tmp_path / "jobs", tmp_path, "--allow-insecure-permissions", "run-job", "a")
    assert first.returncode == 0, first.stderr
    second = _run(tmp_path / "jobs", tmp_path, "run-job", "a", "--allow-insecure-permissions")
    assert second.returncode == 0, second.stderr
    variable = {"JOBRUNNER_ALLOW_INSECURE_PERMISSIONS": "1"}
    third = _run(tmp_path / "jobs", tmp_path, "run-job", "a", env=variable)
    assert third.returncode == 0, third.stderr


def test_run_job_refuses_a_world_writable_directory(tmp_path: Path) -> None:
    """`run-job` exits 2 when the definitions directory itself is world-writable."""
    _tree(tmp_path / "jobs")
    (tmp_path / "jobs").chmod(0o757)
    done = _run(tmp_path / "jobs", tmp_path, "run-job", "a")
    assert done.returncode == 2
    assert "error[insecure-permissions]" in done.stderr
    assert f"chmod o-w {(tmp_path / 'jobs').resolve()}" in done.stderr


@needs_root
def test_run_refuses_a_file_of_another_user(tmp_path: Path) -> None:
    """A definition owned by nobody is refused for a root runner with a `chown root` hint."""
    path = _tree(tmp_path / "jobs")
    os.chown(path, NOBODY, -1)
    done = _run(tmp_path / "jobs", tmp_path, "run")
    assert done.returncode == 2
    assert "a.yaml: error[insecure-owner]" in done.stderr
    assert f"chown root {path.resolve()}" in done.stderr


@needs_root
def test_group_writable_runs_with_a_warning_in_lint(tmp_path: Path) -> None:
    """A umask-002 style file writable by a shared group runs; lint warns and exits 0."""
    path = _tree(tmp_path / "jobs")
    os.chown(path, -1, NOBODY)
    path.chmod(0o664)
    assert _run(tmp_path / "jobs", tmp_path, "run").returncode == 0
    done = _run(tmp_path / "jobs", tmp_path, "lint", "--format", "json")
    assert done.returncode == 0, done.stdout
    report = json_stdout(done)
    assert [w["code"] for w in report["warnings"]] == ["group-writable"]


def test_lint_warns_but_never_fails_on_permissions(tmp_path: Path) -> None:
    """lint reports insecure permissions as warnings (exit 0); --strict fails on them; the
    option silences them (CI containers whose checkouts belong to another uid)."""
    _tree(tmp_path / "jobs").chmod(0o646)
    done = _run(tmp_path / "jobs", tmp_path, "lint", "--format", "json")
    assert done.returncode == 0
    report = json_stdout(done)
    assert report["valid"] is True
    assert [(w["file"], w["code"]) for w in report["warnings"]] == [
        ("a.yaml", "insecure-permissions")
    ]
    assert _run(tmp_path / "jobs", tmp_path, "lint", "--strict").returncode == 1
    quiet = _run(tmp_path / "jobs", tmp_path, "lint", "--strict", "--allow-insecure-permissions")
    assert quiet.returncode == 0, quiet.stdout


def test_examples_have_no_permission_findings() -> None:
    """The shipped examples lint clean with the permission check on (as this checkout is)."""
    examples = Path(__file__).resolve().parents[2] / "examples" / "jobs.d"
    done = run_cli("lint", str(examples), "--format", "json")
    codes = {w["code"] for w in json_stdout(done)["warnings"]}
    assert not codes & {"insecure-permissions", "insecure-owner", "group-writable"}


def test_daemon_refuses_a_reload_that_makes_a_file_world_writable(
    git_repo: GitRepo, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    """A reload that brings an o+w file is refused like invalid definitions: the old set keeps
    running; `chmod o-w` alone (a file event) brings a reload that is accepted."""
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["true"]'))
    git_repo.commit()
    daemon = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    daemons.append(daemon)
    daemon.wait_for(event("job.finished", job="a"))
    added = git_repo.write("jobs/b.yaml", job("b", 'argv: ["true"]'))
    added.chmod(0o646)
    daemon.proc.send_signal(signal.SIGHUP)
    refused = daemon.wait_for(event("definitions.invalid", code="insecure-permissions"))
    assert refused["where"] == "b.yaml"
    assert f"chmod o-w {added.resolve()}" in refused["hint"]
    daemon.wait_for(event("reload.refused"))
    added.chmod(0o644)  # the mode change alone is a file event: no SIGHUP needed
    reloaded = daemon.wait_for(event("definitions.reloaded"))
    assert reloaded["added"] == ["b"]
    daemon.wait_for(event("job.finished", job="b"))
    assert daemon.stop() == 0


def test_state_directory_and_files_keep_the_spec_modes_under_umask_000(tmp_path: Path) -> None:
    """Even with umask 000, `run` creates the state directory and its subdirectories 0750 and
    every file 0640 (SPEC §5): readable by the runner's group, writable by nobody else."""
    _tree(tmp_path / "jobs")
    state = tmp_path / "state" / "state.json"
    argv = [sys.executable, "-m", "runner", "--jobs-dir", str(tmp_path / "jobs"), "run"]
    done = subprocess.run(
        argv, env=cli_environment(state), umask=0, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    modes = {
        path.relative_to(state.parent).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in [state.parent, *state.parent.rglob("*")]
    }
    assert {"state.json", "state.lock"} <= set(modes)
    assert any(name.startswith("runs/a/") for name in modes)
    for name, mode in modes.items():
        expected = 0o750 if (state.parent / name).is_dir() else 0o640
        assert mode == expected, f"{name}: {mode:04o}"


def test_daemon_with_a_world_writable_git_directory_stays_idle(
    git_repo: GitRepo, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    """A world-writable .git at start-up: no git is run, no fallback is read, the daemon is
    up and idle (READY) and says why; no job starts."""
    git_repo.write("jobs/a.yaml", job("a", 'argv: ["true"]'))
    git_repo.commit()
    (git_repo.path / ".git").chmod(0o777)
    daemon = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    daemons.append(daemon)
    why = daemon.wait_for(event("definitions.no_fallback"))["why"]
    assert why == UNTRUSTED_GIT
    daemon.wait_for(event("daemon.ready"))
    assert daemon.stop() == 0
    events = [line.get("event") for line in daemon.read_rest()]
    assert "job.started" not in events
    assert "definitions.invalid" in events
