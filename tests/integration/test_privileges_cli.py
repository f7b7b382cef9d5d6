"""Through the real CLI as root: a job with `user:` runs as that user (groups, HOME, USER,
LOGNAME), an unknown user is a failure with no exit code naming it, lint warns about it, and
root is refused where it would run jobs by accident."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from tests.integration.cli import json_stdout, run_cli

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="switching users (and chown) needs a runner started as root"
)
NOBODY = pwd.getpwnam("nobody")
PROBE = "id -u; id -g; id -G; echo $HOME $USER $LOGNAME"


def _job(root: Path, settings: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "who.yaml").write_text(
        f"kind: Job\nname: who\ntype: command\ninterval: 1h\nsettings:\n{settings}"
    )


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return run_cli(
        "--jobs-dir",
        str(tmp_path / "jobs"),
        *args,
        state_file=tmp_path / "state" / "state.json",
        env=env,
    )


def _output(tmp_path: Path) -> list[str]:
    [log] = (tmp_path / "state" / "runs" / "who").glob("*.log")
    return [line for line in log.read_text().splitlines() if not line.startswith("[jobrunner]")]


def test_job_runs_as_the_user_with_its_groups_and_environment(tmp_path: Path) -> None:
    """`user: nobody` (cwd /): uid, gid and groups are nobody's (root's group 0 is dropped),
    HOME/USER/LOGNAME are nobody's, and the job's work directory is handed to it."""
    _job(tmp_path / "jobs", f'  shell: "{PROBE}"\n  user: nobody\n  cwd: /\n')
    done = _run(tmp_path, "run-job", "who")
    assert done.returncode == 0, done.stderr
    groups = sorted(os.getgrouplist("nobody", NOBODY.pw_gid))
    assert _output(tmp_path) == [
        str(NOBODY.pw_uid),
        str(NOBODY.pw_gid),
        " ".join(str(g) for g in groups),
        f"{NOBODY.pw_dir} nobody nobody",
    ]
    work = tmp_path / "state" / "work" / "who"
    assert work.stat().st_uid == NOBODY.pw_uid


def test_group_sets_the_primary_group(tmp_path: Path) -> None:
    """`group: root` with `user: nobody` runs with gid 0 as the primary group."""
    _job(tmp_path / "jobs", f'  shell: "{PROBE}"\n  user: nobody\n  group: root\n  cwd: /\n')
    assert _run(tmp_path, "run-job", "who").returncode == 0
    lines = _output(tmp_path)
    assert lines[:2] == [str(NOBODY.pw_uid), "0"]


def test_unknown_user_is_a_failure_without_exit_code(tmp_path: Path) -> None:
    """A user that does not exist: `failure`, exit code null, the error names the user and
    the fix; lint warns (not errors) about it at its line and column."""
    _job(tmp_path / "jobs", '  argv: ["true"]\n  user: no-such-user-x\n')
    done = _run(tmp_path, "run-job", "who")
    assert done.returncode == 1
    assert "who failure (no exit code)" in done.stderr
    assert "user 'no-such-user-x' does not exist on this host" in done.stderr
    status = json_stdout(_run(tmp_path, "status", "--format", "json"))
    [row] = status["jobs"]
    assert row["last_exit_code"] is None
    assert "no-such-user-x" in row["last_error"]
    lint = json_stdout(_run(tmp_path, "lint", "--format", "json"))
    assert lint["valid"] is True
    [warning] = [w for w in lint["warnings"] if "no-such-user-x" in w["message"]]
    assert (warning["file"], warning["line"], warning["column"]) == ("who.yaml", 7, 9)


def test_cwd_is_entered_before_the_switch(tmp_path: Path) -> None:
    """The default cwd (the job file's directory) is entered before the switch, so a job as
    nobody starts even in a root-only tree; it then cannot read it by relative paths."""
    _job(tmp_path / "jobs", '  shell: "pwd; ls . || echo denied"\n  user: nobody\n')
    (tmp_path / "jobs").chmod(0o700)
    assert _run(tmp_path, "run-job", "who").returncode == 0
    lines = _output(tmp_path)
    assert lines[0] == str((tmp_path / "jobs").resolve())
    assert lines[-1] == "denied"


def test_root_refuses_a_state_directory_of_another_user(tmp_path: Path) -> None:
    """`sudo jobrunner run-job` on the service user's state directory is refused (exit 2)
    and nothing runs; the same with JOBRUNNER_REFUSE_ROOT=1 on a root-owned one."""
    _job(tmp_path / "jobs", '  argv: ["true"]\n')
    (tmp_path / "state").mkdir()
    os.chown(tmp_path / "state", NOBODY.pw_uid, NOBODY.pw_gid)
    done = _run(tmp_path, "run-job", "who")
    assert done.returncode == 2
    assert "sudo -u nobody jobrunner" in done.stderr
    os.chown(tmp_path / "state", 0, 0)
    refused = _run(tmp_path, "run", env={"JOBRUNNER_REFUSE_ROOT": "1"})
    assert refused.returncode == 2
    assert "JOBRUNNER_REFUSE_ROOT is set" in refused.stderr
    assert not (tmp_path / "state" / "runs").exists()
    assert _run(tmp_path, "run").returncode == 0
