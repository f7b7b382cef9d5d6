"""on_failure / on_recovery hooks through the real CLI (`run`, `run-job`), against a
temporary git repository: once per failure streak, once on recovery, secrets kept out."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.gitrepo import GitRepo
from tests.integration.cli import json_stdout, run_cli
from tests.integration.daemonproc import DaemonProcess, event
from tests.integration.test_run_cli import job

DOCS = Path(__file__).resolve().parents[2] / "docs" / "migrating-from-cron.md"
APPEND_ENV = (
    "import json, os, sys; "
    "open(sys.argv[1], 'a').write(json.dumps(dict(os.environ)) + chr(10)); print('hook ran')"
)


def hook_yaml(event: str, log: Path) -> str:
    argv = [sys.executable, "-c", APPEND_ENV, str(log)]
    return f"{event}:\n  argv: {json.dumps(argv)}\n  timeout: 30s\n"


def calls(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_failure_hook_once_per_streak_then_recovery(git_repo: GitRepo, tmp_path: Path) -> None:
    """Fail, fail, succeed: one on_failure with the outcome, then one on_recovery."""
    code, secret = tmp_path / "code", tmp_path / "secret.txt"
    code.write_text("3")
    secret.write_text("s3cr3t-value\n")
    failures, recoveries = tmp_path / "failure.jsonl", tmp_path / "recovery.jsonl"
    settings = (
        f"shell: 'echo token=$TOKEN; echo disk full >&2; exit $(cat {code})'\n"
        f"  env:\n    TOKEN: '${{file:{secret}}}'"
    )
    extra = hook_yaml("on_failure", failures) + hook_yaml("on_recovery", recoveries)
    git_repo.write("jobs/flaky.yaml", job("flaky", settings, extra=extra))
    git_repo.commit("flaky job")
    state = tmp_path / "state" / "state.json"

    def run_job() -> int:
        return run_cli(
            "--jobs-dir", str(git_repo.path / "jobs"), "run-job", "flaky", state_file=state
        ).returncode

    assert run_job() == 1
    assert run_job() == 1
    (failed,) = calls(failures)
    assert failed["JOBRUNNER_HOOK"] == "on_failure"
    assert failed["JOBRUNNER_JOB"] == "flaky"
    assert failed["JOBRUNNER_RESULT"] == "failure"
    assert failed["JOBRUNNER_EXIT_CODE"] == "3"
    assert failed["JOBRUNNER_ERROR"] == "exited with code 3: disk full"
    assert failed["JOBRUNNER_OUTPUT_TAIL"] == "token=***\ndisk full\n"
    assert "TOKEN" not in failed
    assert not any("s3cr3t-value" in value for value in failed.values())
    output = Path(failed["JOBRUNNER_OUTPUT"])
    assert output.name == f"{failed['JOBRUNNER_RUN_ID']}.log"
    assert "s3cr3t-value" in output.read_text()  # the job printed it: its own output keeps it
    hook_file = output.with_name(f"{failed['JOBRUNNER_RUN_ID']}.hook.txt")
    assert hook_file.read_text() == "hook ran\n"
    assert calls(recoveries) == []
    code.write_text("0")
    assert run_job() == 0
    (recovered,) = calls(recoveries)
    assert recovered["JOBRUNNER_RESULT"] == "success"
    assert recovered["JOBRUNNER_EXIT_CODE"] == "0"
    assert recovered["JOBRUNNER_ERROR"] == ""
    assert run_job() == 0
    assert len(calls(recoveries)) == 1
    assert len(calls(failures)) == 1


def test_failing_hook_never_changes_the_jobs_result(git_repo: GitRepo, tmp_path: Path) -> None:
    """A hook that exits 1 is logged; the job stays a plain failure, the pass goes on."""
    extra = "on_failure:\n  argv: [sh, -c, 'echo cannot page >&2; exit 1']\n"
    git_repo.write("jobs/bad.yaml", job("bad", 'shell: "exit 2"', extra=extra))
    git_repo.write("jobs/ok.yaml", job("ok", 'argv: ["true"]'))
    git_repo.commit("jobs")
    state = tmp_path / "state" / "state.json"
    done = run_cli(
        "--jobs-dir", str(git_repo.path / "jobs"), "--log-format", "json", "run", state_file=state
    )
    assert done.returncode == 1
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    failed = [e for e in events if e["event"] == "hook.failed"]
    assert len(failed) == 1
    assert failed[0]["job"] == "bad"
    assert failed[0]["exit_code"] == 1
    jobs = str(git_repo.path / "jobs")
    status = run_cli("--jobs-dir", jobs, "status", "--format", "json", state_file=state)
    results = {row["job"]: row["last_result"] for row in json_stdout(status)["jobs"]}
    assert results == {"bad": "failure", "ok": "success"}


def test_the_mailto_example_of_the_cron_guide_sends_mail(git_repo: GitRepo, tmp_path: Path) -> None:
    """docs/migrating-from-cron.md's Defaults on_failure pipes the failure to `mail`."""
    block = re.search(
        r"```yaml\n(kind: Defaults\n(?:.*\n)*?on_failure:(?:.*\n)*?)```", DOCS.read_text()
    )
    assert block is not None
    git_repo.write("jobs/defaults.yaml", block.group(1))
    git_repo.write("jobs/report.yaml", job("report", 'shell: "echo no data >&2; exit 4"'))
    git_repo.commit("defaults and a failing job")
    bin_dir, mailbox = tmp_path / "bin", tmp_path / "mailbox"
    bin_dir.mkdir()
    fake_mail = bin_dir / "mail"
    fake_mail.write_text(f'#!/bin/sh\n{{ printf "%s|" "$@"; echo; cat; }} > {mailbox}\n')
    fake_mail.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    state = tmp_path / "state" / "state.json"
    done = run_cli("--jobs-dir", str(git_repo.path / "jobs"), "run", state_file=state, env=env)
    assert done.returncode == 1, done.stderr
    mail = mailbox.read_text()
    assert mail.startswith("-s|jobrunner: report failure|ops@example.com|\n")
    assert "exited with code 4: no data" in mail
    assert "no data\n" in mail


def test_the_daemon_runs_the_failure_hook(git_repo: GitRepo, tmp_path: Path) -> None:
    """`run --forever` runs on_failure after a failed run and keeps serving."""
    failures = tmp_path / "failure.jsonl"
    git_repo.write(
        "jobs/bad.yaml", job("bad", 'shell: "exit 5"', extra=hook_yaml("on_failure", failures))
    )
    git_repo.commit("failing job")
    daemon = DaemonProcess(git_repo.path / "jobs", tmp_path / "state" / "state.json")
    try:
        daemon.wait_for(event("hook.finished", hook="on_failure", job="bad"))
        assert daemon.stop() == 0
    finally:
        daemon.close()
    (called,) = calls(failures)
    assert called["JOBRUNNER_EXIT_CODE"] == "5"
