"""`lint`, `schema`, `period` and `plan` work without the POSIX-only parts of Python (SPEC §1:
macOS and Windows CI runners); the commands that run jobs refuse with one line there.

There is no Windows runner here: the real CLI runs in a subprocess whose prelude takes away
what Windows lacks (`grp`, `pwd`, `fcntl`, `resource`, `termios`, the POSIX functions of `os`,
the signals other than Windows' own, `select.poll`) before `runner` is imported. Only
`subprocess` keeps the real modules: its POSIX implementation needs them (Windows has its own).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.cli import main
from runner.definitions.permissions import CODES as PERMISSION_CODES
from tests.gitrepo import GitRepo
from tests.integration.cli import cli_environment

EXAMPLES = Path(__file__).parents[1] / "examples"

PRELUDE = """
import os, select, signal, subprocess, sys, time, types
for module in (os, signal, select):
    view = types.ModuleType(module.__name__)
    view.__dict__.update(vars(module))
    setattr(subprocess, module.__name__, view)
for name in ("grp", "pwd", "fcntl", "resource", "termios", "pty", "tty"):
    sys.modules[name] = None
POSIX_OS = '''geteuid getuid getgid getegid getgroups setgroups initgroups killpg setsid getsid
    pidfd_open getpgid setpgid getpgrp fork forkpty WNOHANG WNOWAIT WEXITED P_PID waitid wait3
    wait4 sysconf sysconf_names pipe2 pread pwrite O_CLOEXEC O_DIRECTORY O_NOFOLLOW O_NONBLOCK
    chown fchown lchown fchmod uname getloadavg sync setuid setgid seteuid setegid
    sched_getaffinity sched_setaffinity get_blocking set_blocking mkfifo statvfs fstatvfs'''
for name in POSIX_OS.split():
    if hasattr(os, name):
        delattr(os, name)
WINDOWS_SIGNAL = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIG_DFL",
    "SIG_IGN", "NSIG", "signal", "getsignal", "set_wakeup_fd", "default_int_handler",
    "raise_signal", "strsignal", "valid_signals", "Signals", "Handlers"}
for name in [n for n in vars(signal) if not n.startswith("_") and n not in WINDOWS_SIGNAL]:
    delattr(signal, name)
for name in [n for n in vars(select) if not n.startswith("_") and n not in ("select", "error")]:
    delattr(select, name)
del time.tzset
from runner.cli import main
raise SystemExit(main())
"""

REFUSAL = "needs Linux; lint, schema, period and plan work here"


def without_posix(
    *args: str, cwd: Path | None = None, state_file: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI with the POSIX-only modules and functions taken away."""
    return subprocess.run(
        [sys.executable, "-c", PRELUDE, *args],
        cwd=cwd,
        env=cli_environment(state_file, {"PYTHONPATH": str(Path(__file__).parents[2])}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def on_linux(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Runner:
    """The same command on this Linux host, in this process (the reference; no subprocess,
    to keep these tests fast)."""
    for key in [key for key in os.environ if key.startswith("JOBRUNNER_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("JOBRUNNER_STATE_FILE", str(tmp_path / "no-state.json"))

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        with monkeypatch.context() as inside:
            if cwd is not None:
                inside.chdir(cwd)
            code = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)

    return run


def lint_json(runner: Runner, root: Path) -> dict[str, Any]:
    """`lint --format json` of `root` through `runner` (exit 0 or 1, nothing on stderr)."""
    done = runner("lint", "--jobs-dir", str(root), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def test_the_simulation_takes_the_posix_parts_away() -> None:
    """The prelude works: what it removes is gone when `runner` is imported (else the other
    tests here would prove nothing)."""
    probe = PRELUDE.split("from runner.cli", maxsplit=1)[0] + (
        "try:\n    import grp\nexcept ImportError:\n    pass\nelse:\n    raise SystemExit(1)\n"
        "assert not hasattr(os, 'geteuid') and not hasattr(os, 'killpg')\n"
        "assert not hasattr(signal, 'SIGHUP') and not hasattr(select, 'poll')\n"
        "import runner.cli, runner.platform\n"
        "assert not runner.platform.has_accounts() and not runner.platform.runs_jobs()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=cli_environment(None, {"PYTHONPATH": str(Path(__file__).parents[2])}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_lint_gives_the_same_findings_without_the_posix_only_ones(
    tmp_path: Path, on_linux: Runner
) -> None:
    """Valid and invalid trees lint alike; the permission and account findings (POSIX owners,
    modes, users) are the only ones missing."""
    assert lint_json(without_posix, EXAMPLES / "valid") == lint_json(on_linux, EXAMPLES / "valid")
    invalid = lint_json(on_linux, EXAMPLES / "invalid")
    assert invalid["errors"]
    assert lint_json(without_posix, EXAMPLES / "invalid") == invalid
    tree = tmp_path / "jobs.d"
    shutil.copytree(EXAMPLES / "valid", tree)
    (tree / "defaults.yaml").chmod(0o646)
    (tree / "as-user.yaml").write_text(
        "kind: Job\nname: as-user\ntype: command\ninterval: 1h\n"
        "settings: {argv: [/bin/true], user: no-such-user-here}\n",
        encoding="utf-8",
    )
    linux = lint_json(on_linux, tree)
    codes = {w["code"] for w in linux["warnings"]}
    assert {"insecure-permissions", "settings"} <= codes, linux["warnings"]
    elsewhere = lint_json(without_posix, tree)
    assert elsewhere["errors"] == linux["errors"]
    assert elsewhere["warnings"] == [
        w
        for w in linux["warnings"]
        if w["code"] not in PERMISSION_CODES and "does not exist on this host" not in w["message"]
    ]
    text = without_posix("lint", "--jobs-dir", str(EXAMPLES / "invalid"))
    assert text.returncode == 1, text.stderr
    assert text.stdout.count(": error[") == len(invalid["errors"])


def test_schema_and_period_work(on_linux: Runner) -> None:
    """`schema` prints the same schema; `period` the same answer for a fixed instant."""
    schema = without_posix("schema")
    assert schema.returncode == 0, schema.stderr
    assert schema.stdout == on_linux("schema").stdout
    args = ("period", "nightly-window", "--jobs-dir", str(EXAMPLES / "valid"))
    at = ("--at", "2026-03-02T03:30:00+01:00", "--format", "json")
    period = without_posix(*args, *at)
    assert period.returncode == 0, period.stderr
    assert json.loads(period.stdout) == json.loads(on_linux(*args, *at).stdout)


def test_plan_works_on_a_git_repository(tmp_path: Path, on_linux: Runner) -> None:
    """`plan` reads both revisions from git and prints the same plan (the time line aside)."""
    repo = GitRepo(tmp_path / "repo")
    job = "kind: Job\nname: {name}\ntype: command\ninterval: {every}\nsettings: {{argv: [x]}}\n"
    repo.write("jobs.d/backup.yaml", job.format(name="backup", every="15m"))
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("jobs.d/backup.yaml", job.format(name="backup", every="1h"))
    repo.write("jobs.d/report.yaml", job.format(name="report", every="1d"))
    repo.commit("head")
    state = tmp_path / "no-state.json"
    args = ("plan", "--base", "main", "--jobs-dir", "jobs.d")
    done = without_posix(*args, cwd=repo.path, state_file=state)
    assert done.returncode == 0, done.stderr
    assert "interval 15m -> 1h" in done.stdout
    assert "+ report" in done.stdout

    def timeless(text: str) -> list[str]:
        return [line for line in text.splitlines() if "times as of" not in line]

    linux = on_linux(*args, cwd=repo.path)
    assert timeless(done.stdout) == timeless(linux.stdout)


def test_the_commands_that_run_jobs_refuse_with_one_line(tmp_path: Path) -> None:
    """`run` (and the others that need Linux) exit 2 with one line saying what works here."""
    jobs = ("--jobs-dir", str(EXAMPLES / "valid"))
    for args in (("run", *jobs), ("run", "--forever", *jobs), ("status",)):
        done = without_posix(*args, state_file=tmp_path / "state.json")
        assert done.returncode == 2, (args, done.stderr)
        assert done.stdout == ""
        assert done.stderr == f"jobrunner: `jobrunner {args[0]}` {REFUSAL}\n"
    done = without_posix("check", state_file=tmp_path / "state.json")
    assert done.returncode == 3, done.stderr  # a monitoring plugin says UNKNOWN
    assert done.stdout == f"JOBRUNNER UNKNOWN - `jobrunner check` {REFUSAL}\n"
    assert not (tmp_path / "state.json").exists()


def test_import_director_works_too(tmp_path: Path) -> None:
    """`import-director` only converts files: it is not refused either."""
    basket = Path(__file__).parents[1] / "fixtures" / "director-basket.json"
    out = tmp_path / "jobs.d"
    done = without_posix("import-director", str(basket), "--out", str(out), "--timezone", "UTC")
    assert "Traceback" not in done.stderr
    assert "wrote 12 job(s) and 8 time period(s)" in done.stdout, done.stderr
    assert sorted(path.name for path in out.iterdir()) == ["jobs", "periods"]
