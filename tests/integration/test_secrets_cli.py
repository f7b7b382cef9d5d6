"""Values resolved from `${NAME}` and `${file:PATH}` never leave the job (SPEC §2): a real run
of a job that prints and fails with its secrets, then every place the runner writes or shows
something is searched for them. The job's own output file is the job's business (it is the
one place they may appear); everywhere else they are `***`."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.integration.cli import json_stdout, run_cli
from tests.integration.daemonproc import DaemonProcess, event

TOKEN = "tok-8c1f6e0a5b77"
FILE_SECRET = "filesecret-93ab71c2"
SECRETS = (TOKEN, FILE_SECRET)
LEAKY = """\
kind: Job
name: leaky
type: command
interval: 1h
settings:
  shell: 'echo "token=$TOKEN key=$KEY"; echo "failed with $TOKEN and $KEY" >&2; exit 3'
  env:
    TOKEN: "${MY_TOKEN}"
    KEY: "prefix-${file:secret.txt}"
"""


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """A definitions repository: a base commit without the job, a head commit with it."""
    git_repo.write(
        "jobs/other.yaml",
        'kind: Job\nname: other\ntype: command\ninterval: 1h\nsettings:\n  argv: ["true"]\n',
    )
    git_repo.commit("base")
    git_repo.write("jobs/leaky.yaml", LEAKY)
    git_repo.commit("head")
    secret_file = git_repo.path / "jobs" / "secret.txt"
    secret_file.write_text(FILE_SECRET + "\n")
    return git_repo


def _cli(repo: GitRepo, tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(
        "--jobs-dir",
        str(repo.path / "jobs"),
        *args,
        state_file=tmp_path / "state" / "state.json",
        env={"MY_TOKEN": TOKEN},
    )


def _assert_clean(where: str, text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret leaked into {where}"


def test_secrets_appear_nowhere_but_in_the_jobs_own_output(repo: GitRepo, tmp_path: Path) -> None:
    """After a failing run that prints its secrets: JSON logs (verbose), the failure line,
    the metrics file, state.json, the journal, the run summary line, status, history (json
    and table), check and plan hold no secret; last_error and the excerpt show `***`."""
    metrics = tmp_path / "jobrunner.prom"
    run = _cli(
        repo, tmp_path, "--log-format", "json", "--verbose", "run", "--metrics-file", str(metrics)
    )
    assert run.returncode == 1, run.stderr
    _assert_clean("the metrics file", metrics.read_text())
    _assert_clean("the run's log and failure line", run.stderr + run.stdout)
    assert "***" in run.stderr
    finished = [
        json.loads(line)
        for line in run.stderr.splitlines()
        if line.startswith("{") and '"job.finished"' in line and '"leaky"' in line
    ]
    assert "***" in finished[0]["excerpt"]
    assert "***" in finished[0]["error"]
    state_dir = tmp_path / "state"
    for name in ("state.json", "state.journal"):
        if (state_dir / name).exists():
            _assert_clean(name, (state_dir / name).read_text())
    [output] = (state_dir / "runs" / "leaky").glob("*.log")
    lines = output.read_text().splitlines()
    summary = [line for line in lines if line.startswith("[jobrunner] ")]
    _assert_clean("the run summary line", "\n".join(summary))
    assert f"token={TOKEN} key=prefix-{FILE_SECRET}" in lines  # the job's own output
    for command in (
        ("status", "--format", "json"),
        ("status",),
        ("status", "leaky"),
        ("history", "--format", "json"),
        ("history",),
        ("history", "leaky"),
    ):
        shown = _cli(repo, tmp_path, *command)
        assert shown.returncode == 0, shown.stderr
        _assert_clean(" ".join(command), shown.stdout + shown.stderr)
    status = json_stdout(_cli(repo, tmp_path, "status", "--format", "json"))
    leaky = next(row for row in status["jobs"] if row["job"] == "leaky")
    assert "***" in leaky["last_error"]
    for command in (("check", "--mode", "cron"), ("check", "--mode", "cron", "--job", "leaky")):
        check = _cli(repo, tmp_path, *command)
        assert check.returncode == 2, check.stdout  # CRITICAL: leaky failed
        assert "leaky" in check.stdout
        _assert_clean(" ".join(command), check.stdout + check.stderr)
    for fmt in ("text", "markdown", "json"):
        plan = _cli(repo, tmp_path, "plan", "--base", "HEAD~1", "--head", "HEAD", "--format", fmt)
        assert plan.returncode in (0, 1), plan.stderr
        _assert_clean(f"plan --format {fmt}", plan.stdout + plan.stderr)


def test_resolution_failures_name_the_reference_never_a_value(
    repo: GitRepo, tmp_path: Path
) -> None:
    """An unset variable and an unreadable file fail the run naming `${NAME}` / the path;
    the other references' values resolved so far appear nowhere."""
    repo.write(
        "jobs/leaky.yaml",
        LEAKY.replace('KEY: "prefix-${file:secret.txt}"', 'KEY: "${file:missing.txt}"'),
    )
    done = _cli(repo, tmp_path, "run-job", "leaky")
    assert done.returncode == 1
    assert "${file:missing.txt} cannot be read" in done.stderr
    _assert_clean("the failure line", done.stderr)
    repo.write("jobs/leaky.yaml", LEAKY.replace("${MY_TOKEN}", "${NOT_SET_ANYWHERE}"))
    unset = _cli(repo, tmp_path, "run-job", "leaky")
    assert unset.returncode == 1
    assert "${NOT_SET_ANYWHERE} is not set in the runner's environment" in unset.stderr
    _assert_clean("the failure line", unset.stderr)
    state = (tmp_path / "state" / "state.json").read_text()
    _assert_clean("state.json", state)


def test_daemon_logs_and_daemon_json_hold_no_secret(
    repo: GitRepo, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    """The daemon's JSON log of the failing run and its daemon.json show `***`, never a value."""
    state = tmp_path / "state" / "state.json"
    daemon = DaemonProcess(repo.path / "jobs", state, env={"MY_TOKEN": TOKEN})
    daemons.append(daemon)
    finished = daemon.wait_for(event("job.finished", job="leaky"))
    assert "***" in finished["error"]
    assert daemon.stop(signal.SIGTERM) == 0
    _assert_clean("the daemon log", json.dumps(daemon.read_rest()))
    _assert_clean("daemon.json", (state.parent / "daemon.json").read_text())
    _assert_clean("state.json", state.read_text())
