"""Tests for the shipped systemd units in contrib/systemd."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from runner.jobtypes.base import LaunchContext
from runner.jobtypes.command import CommandType
from runner.model import JobDef, Source

UNITS = Path(__file__).resolve().parents[2] / "contrib" / "systemd"
SYSTEM_UNIT = UNITS / "jobrunner.service"
USER_UNIT = UNITS / "jobrunner-user.service"
JOBRUNNER = Path(sys.executable).parent / "jobrunner"


def _parse(path: Path) -> dict[str, dict[str, str]]:
    """Sections of a unit file; each directive maps to its (last) value."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif line and not line.startswith("#"):
            key, _, value = line.partition("=")
            current[key] = value
    return sections


def _uncommented_service_directives(path: Path) -> list[str]:
    """Directives in [Service] whose previous line is not a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section, bare = "", []
    for previous, line in zip(["", *lines], lines, strict=False):
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line[:1] not in ("", "#") and previous[:1] != "#":
            bare.append(line)
    return bare


def test_system_unit_has_the_required_settings() -> None:
    """The system unit: a notify service running `run --forever`, restarted, sandboxed."""
    service = _parse(SYSTEM_UNIT)["Service"]
    expected = {
        "Type": "notify",
        "NotifyAccess": "main",
        "ExecReload": "/bin/kill -HUP $MAINPID",
        "Restart": "always",
        "KillMode": "mixed",
        "StateDirectory": "jobrunner",
        "User": "jobrunner",
        "Group": "jobrunner",
        "UMask": "0027",
        "EnvironmentFile": "-/etc/jobrunner/jobrunner.env",
        "ProtectSystem": "full",
    }
    assert {key: service.get(key) for key in expected} == expected
    assert service["ExecStart"].endswith("jobrunner run --forever")
    assert "--config" not in service["ExecStart"]
    assert "WatchdogSec" in service
    assert "RestartSec" in service
    grace_s = 10
    assert int(service["TimeoutStopSec"].removesuffix("s")) > grace_s


def test_user_unit_has_the_required_settings() -> None:
    """The --user unit is a notify service with its own env file and state directory."""
    sections = _parse(USER_UNIT)
    service = sections["Service"]
    assert service["Type"] == "notify"
    assert service["ExecStart"].endswith("jobrunner run --forever")
    assert service["Restart"] == "always"
    assert service["StateDirectory"] == "jobrunner"
    assert "User" not in service
    assert sections["Install"]["WantedBy"] == "default.target"


@pytest.mark.parametrize("unit", [SYSTEM_UNIT, USER_UNIT], ids=["system", "user"])
def test_every_service_option_is_explained(unit: Path) -> None:
    """Each [Service] option has a comment line above it (systemd has no end-of-line comments)."""
    assert _uncommented_service_directives(unit) == []


def _comment_above(unit: Path, directive: str) -> str:
    """The comment lines right above the first `directive=` line, joined."""
    lines = unit.read_text(encoding="utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith(f"{directive}="))
    start = end
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    return " ".join(line.lstrip("# ") for line in lines[start:end])


def test_working_directory_comment_says_where_jobs_start(tmp_path: Path) -> None:
    """A command job without `cwd` starts in its job file's directory, whatever the daemon's
    WorkingDirectory= is, and the unit's comment says so (it said: in the state directory)."""
    job = JobDef(
        name="demo",
        type="command",
        interval=timedelta(hours=1),
        settings={"argv": ["true"]},
        source=Source("team/demo.yaml", 1),
    )
    spec = CommandType().launch(job, LaunchContext(root=tmp_path, environ={}))
    assert spec.cwd == tmp_path.resolve() / "team"
    comment = _comment_above(SYSTEM_UNIT, "WorkingDirectory")
    assert "directory of its job file" in comment
    assert "state directory" not in comment


def _verify(unit: Path, tmp_path: Path, *, user: bool) -> subprocess.CompletedProcess[str]:
    """Run systemd-analyze verify on a copy whose ExecStart points at an existing jobrunner."""
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "jobrunner").symlink_to(JOBRUNNER)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    copy = tmp_path / unit.name
    text = unit.read_text(encoding="utf-8")
    copy.write_text(text.replace("/opt/jobrunner/bin/jobrunner", str(JOBRUNNER)), encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    args = ["systemd-analyze", *(["--user"] if user else []), "verify", str(copy)]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
@pytest.mark.parametrize(
    ("unit", "user"), [(SYSTEM_UNIT, False), (USER_UNIT, True)], ids=["system", "user"]
)
def test_systemd_analyze_verify(unit: Path, user: bool, tmp_path: Path) -> None:
    """`systemd-analyze verify` accepts the unit without complaints about its lines."""
    done = _verify(unit, tmp_path, user=user)
    complaints = [line for line in done.stderr.splitlines() if unit.name in line]
    assert (done.returncode, complaints) == (0, [])
