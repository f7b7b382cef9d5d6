"""The CLI as a new user meets it: the real `jobrunner` as a subprocess, fed the mistakes an
ops engineer coming from cron or Icinga Director makes (SPEC §4 exit codes, no tracebacks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli import cli_environment, run_cli

TREE = """\
kind: Defaults
timezone: UTC
---
kind: TimePeriod
name: never
ranges:
  "2001-01-01": "00:00-01:00"
---
kind: Job
name: hello
type: command
interval: 1h
settings: {argv: [echo, hello]}
---
kind: Job
name: closed
type: command
interval: 1h
timeperiod: never
settings: {argv: [echo, closed]}
"""


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    """A small definitions tree: one plain job and one whose period never opens."""
    root = tmp_path / "jobs.d"
    root.mkdir()
    (root / "jobs.yaml").write_text(TREE)
    return root


def cli(jobs_dir: Path, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`jobrunner --jobs-dir JOBS --state-file STATE ARGS`."""
    return run_cli("--jobs-dir", str(jobs_dir), "--state-file", str(state), *args)


@pytest.mark.parametrize(
    ("command", "code"),
    [(["run"], 2), (["run-job", "hello"], 2), (["status"], 2), (["history"], 2), (["check"], 3)],
)
def test_a_state_file_that_is_a_directory_is_a_clear_error(
    jobs_dir: Path, tmp_path: Path, command: list[str], code: int
) -> None:
    """`--state-file DIR` names a file to use instead; exit 2 (check: UNKNOWN), no traceback."""
    directory = tmp_path / "state"
    directory.mkdir()
    done = cli(jobs_dir, directory, *command)
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    shown = done.stdout if command == ["check"] else done.stderr
    assert f"is a directory; name a file in it, e.g. --state-file {directory}/state.json" in shown


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--memory-limit", "10X", "'10X' is not a size"),
        ("--default-timeout", "0", "a timeout is at least 1s"),
    ],
)
def test_bad_run_option_values_are_usage_errors(
    jobs_dir: Path, tmp_path: Path, option: str, value: str, words: str
) -> None:
    """A bad `--memory-limit` or a zero `--default-timeout` stops `run` with exit 2 and runs
    nothing (they were accepted silently, and a zero timeout killed every job)."""
    state = tmp_path / "state" / "state.json"
    done = cli(jobs_dir, state, "run", option, value)
    assert done.returncode == 2
    assert words in done.stderr
    assert not state.exists()


@pytest.mark.parametrize(
    "options",
    [["--dry-run"], ["--slack", "1m"], ["--if-idle"], ["--require-clean"]],
)
@pytest.mark.parametrize("forever", [["--forever"], ["forever"]])
def test_single_pass_options_are_refused_by_the_daemon(
    jobs_dir: Path, tmp_path: Path, forever: list[str], options: list[str]
) -> None:
    """`run --forever --dry-run` started the daemon, which ran every due job; the options of a
    single pass are a usage error (exit 2) with the daemon, and nothing runs."""
    state = tmp_path / "state" / "state.json"
    done = run_cli(
        "--jobs-dir",
        str(jobs_dir),
        "--state-file",
        str(state),
        "run",
        *forever,
        *options,
        timeout=20,
    )
    assert done.returncode == 2, done.stderr
    assert f"`run --forever` does not take {options[0]}" in done.stderr
    assert not (state.parent / "runs").exists()


def test_status_of_an_unknown_job_says_so_on_stderr(jobs_dir: Path, tmp_path: Path) -> None:
    """`status NAME` with a typo: exit 2, the message on stderr with the closest name."""
    done = cli(jobs_dir, tmp_path / "state.json", "status", "helo")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "jobrunner: unknown job 'helo'; did you mean hello? (`jobrunner status` lists the jobs)"
    )


def test_run_job_in_a_closed_period_warns_and_runs(jobs_dir: Path, tmp_path: Path) -> None:
    """`run-job` of a job whose period is closed runs it (as asked) and says the period is
    closed, as it does for a disabled job; then `status NAME` shows yes/no, not True/False."""
    state = tmp_path / "state.json"
    done = cli(jobs_dir, state, "run-job", "closed")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("closed: success in ")
    assert "time period 'never' is closed; running it anyway, as asked" in done.stderr
    detail = cli(jobs_dir, state, "status", "closed")
    assert detail.returncode == 0, detail.stderr
    lines = detail.stdout.splitlines()
    assert "enabled: yes" in lines
    assert "due: no" in lines
    assert "running: no" in lines


def test_history_of_a_job_without_runs_names_the_job(jobs_dir: Path, tmp_path: Path) -> None:
    """`history NAME` with nothing recorded says which job had no runs."""
    done = cli(jobs_dir, tmp_path / "state.json", "history", "hello")
    assert done.returncode == 0
    assert done.stdout.startswith("no runs of job 'hello' recorded under ")


def test_every_format_option_shows_its_default(jobs_dir: Path, tmp_path: Path) -> None:
    """`--help` of each command with `--format` names the default format."""
    for command, default in [
        ("lint", "text"),
        ("status", "table"),
        ("history", "table"),
        ("period", "text"),
        ("plan", "text"),
    ]:
        done = cli(jobs_dir, tmp_path / "state.json", command, "--help")
        assert done.returncode == 0
        assert f"(default {default}" in " ".join(done.stdout.split()), command


def test_a_reader_closing_the_pipe_early_is_not_a_traceback(tmp_path: Path) -> None:
    """`jobrunner schema job | head -0`: stdout's reader is gone; exit 141, stderr empty."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "runner", "schema", "job"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=cli_environment(tmp_path / "state.json"),
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


@pytest.mark.parametrize("command", [["status"], ["run-job", "hello"], ["run", "--dry-run"]])
def test_definitions_that_do_not_load_end_with_one_line_saying_so(
    tmp_path: Path, command: list[str]
) -> None:
    """Without git to fall back on, status/run-job/--dry-run print the errors as lint does and
    a closing line (as `run` does), and exit 2."""
    root = tmp_path / "jobs.d"
    root.mkdir()
    (root / "a.yaml").write_text(TREE.replace("interval: 1h", "interval: 5 minutes", 1))
    done = cli(root, tmp_path / "state.json", *command)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert "a.yaml:12:11: error[duration]: interval: '5 minutes' is not a duration" in lines
    assert lines[-1] == (
        "jobrunner: the definitions do not load (1 error) and no clean revision can stand in; "
        "fix them (`jobrunner lint` checks them)"
    )


def test_period_prints_findings_as_lint_does(tmp_path: Path) -> None:
    """`period` of a tree with errors prints them in lint's form (code and hint lines)."""
    root = tmp_path / "jobs.d"
    root.mkdir()
    (root / "a.yaml").write_text(TREE.replace('"00:00-01:00"', '"00:00-01:00,"'))
    done = cli(root, tmp_path / "state.json", "period", "never")
    assert done.returncode == 2
    assert done.stderr.splitlines()[:2] == [
        (
            "a.yaml:7:30: error[range-syntax]: ranges: time '00:00-01:00,' of '2001-01-01': "
            "expected a time H:M or H:M:S here: nothing follows the last `,`"
        ),
        "    hint: remove the trailing `,`: '00:00-01:00'",
    ]


def test_period_with_a_missing_directory_says_so(tmp_path: Path) -> None:
    """`period` with a missing definitions directory says so as every command does."""
    done = cli(tmp_path / "nowhere", tmp_path / "state.json", "period", "never")
    assert done.returncode == 2
    assert done.stderr == (
        f"jobrunner: error: definitions directory {tmp_path / 'nowhere'} does not exist; "
        "pass --jobs-dir or set JOBRUNNER_JOBS_DIR\n"
    )


@pytest.mark.parametrize("value", ["-1", "0", "x"])
def test_history_limit_must_be_a_positive_number(
    jobs_dir: Path, tmp_path: Path, value: str
) -> None:
    """`history --limit -1` is a usage error, not an empty list."""
    done = cli(jobs_dir, tmp_path / "state.json", "history", "--limit", value)
    assert done.returncode == 2
    assert f"{value!r} is not a number of runs; use 1 or more" in done.stderr


def test_readme_status_example_shows_what_status_prints(tmp_path: Path) -> None:
    """The README's `jobrunner status load-average` example lists the same lines, in the same
    order, as `status NAME` prints today for that never-run example job (values differ with the
    time of day), so the tour does not drift from the CLI."""
    repo = Path(__file__).parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ jobrunner status load-average\n", 1)[1].split("```", 1)[0]
    documented = [line.split(":", 1)[0] for line in block.splitlines() if line]
    done = run_cli(
        "--jobs-dir",
        str(repo / "examples" / "jobs.d"),
        "--state-file",
        str(tmp_path / "state" / "state.json"),
        "status",
        "load-average",
    )
    assert done.returncode == 0, done.stderr
    printed = [line.split(":", 1)[0] for line in done.stdout.splitlines() if line]
    assert printed == documented
