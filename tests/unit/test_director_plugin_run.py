"""The `director` plugin against a fake `icingacli` on PATH: in-process, in the worker child,
discovered through its entry point, and checked by lint."""

from __future__ import annotations

import logging
import os
import sys
import threading
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parents[2]
PLUGIN = REPO / "examples/plugins/jobrunner-icinga-director"
if str(PLUGIN / "src") not in sys.path:
    sys.path.insert(0, str(PLUGIN / "src"))

from jobrunner_icinga_director import DirectorType  # noqa: E402

from runner.clock import Clock, SystemClock  # noqa: E402
from runner.executor import Executor, Result, RunRequest  # noqa: E402
from runner.jobtypes import JobTypeRegistry, LaunchContext  # noqa: E402
from runner.jobtypes.command import CommandType  # noqa: E402
from runner.jobtypes.python import JobContext, JobFailed  # noqa: E402
from runner.lint import lint  # noqa: E402
from runner.model import JobDef, Source  # noqa: E402
from tests.unit.markerclock import ClockFromMarker  # noqa: E402

FAKE_ICINGACLI = """#!/bin/sh
echo "$*" >> "$FAKE_ICINGACLI_LOG"
case "$2 $3" in
  "importsource list")
    printf '  ID | Import Source name\\n-----+--\\n   3 | CMDB hosts\\n   4 | LDAP\\n';;
  "importsource run")
    echo "New data has been imported"
    if [ "$5" = 4 ]; then echo "This Import Source failed: LDAP server timed out"; fi;;
  "config deploy") echo "Config 'c0ffee' has been deployed";;
  "housekeeping run")
    if [ "$4" = slow ]; then echo "started"; exec sleep 60; fi
    echo "ERROR: Zend_Db_Adapter_Exception: no database" >&2; exit 1;;
esac
exit 0
"""


@pytest.fixture
def fake_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake icingacli first on PATH; returns the file it logs its arguments to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "icingacli"
    script.write_text(FAKE_ICINGACLI)
    script.chmod(0o755)
    log = tmp_path / "icingacli.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_ICINGACLI_LOG", str(log))
    return log


def _ctx(settings: dict[str, Any]) -> JobContext:
    return JobContext(
        job="demo",
        run_id="r1",
        settings=settings,
        logger=logging.getLogger("test.director"),
        deadline=None,
        stop=threading.Event(),
        work_dir=None,
    )


def test_deploy_succeeds_and_output_is_copied(
    fake_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deployment runs `config deploy --grace-period 600` and its output reaches the run."""
    DirectorType().run(_ctx({"action": "deploy", "grace_period": "10m"}))
    assert fake_cli.read_text() == "director config deploy --grace-period 600\n"
    assert "Config 'c0ffee' has been deployed" in capsys.readouterr().out


def test_failed_import_with_exit_0_fails(fake_cli: Path) -> None:
    """The real CLI's failure line with exit status 0 fails the job with that line."""
    with pytest.raises(JobFailed, match="This Import Source failed: LDAP server timed out"):
        DirectorType().run(_ctx({"action": "import", "source": "LDAP"}))
    assert fake_cli.read_text().splitlines() == [
        "director importsource list",
        "director importsource run --id 4",
    ]


def test_missing_icingacli_fails_with_its_path(fake_cli: Path) -> None:
    """An icingacli that cannot be started is a failure that names the path."""
    with pytest.raises(JobFailed, match="cannot start /nonexistent/icingacli"):
        DirectorType().run(_ctx({"action": "housekeeping", "icingacli": "/nonexistent/icingacli"}))


def _run_in_worker(
    tmp_path: Path,
    settings: dict[str, Any],
    timeout: timedelta = timedelta(seconds=30),
    clock: Clock | None = None,
) -> tuple[Result, str | None]:
    job = JobDef(
        name="director-job",
        type="director",
        interval=timedelta(minutes=15),
        settings=settings,
        source=Source("jobs/director.yaml", 1),
    )
    (tmp_path / "jobs").mkdir(exist_ok=True)
    spec = DirectorType().launch(job, LaunchContext(root=tmp_path, environ={}))
    (tmp_path / "work").mkdir(exist_ok=True)
    request = RunRequest(
        job=job.name,
        run_id="r9",
        spec=spec,
        timeout=timeout,
        output_path=tmp_path / "out.log",
        work_dir=tmp_path / "work",
    )
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(PLUGIN / "src")])}
    outcome = Executor(clock=clock or SystemClock(), environ=environ).run(request)
    return outcome.result, outcome.error


def test_worker_child_success_and_failure(fake_cli: Path, tmp_path: Path) -> None:
    """In the worker child, an import succeeds and a failing housekeeping is a failure."""
    assert _run_in_worker(tmp_path, {"action": "import", "source_id": 3}) == (
        Result.SUCCESS,
        None,
    )
    result, error = _run_in_worker(tmp_path, {"action": "housekeeping"})
    assert result is Result.FAILURE
    assert error is not None
    assert "ERROR: Zend_Db_Adapter_Exception: no database" in error


def test_worker_child_timeout_reaches_icingacli(fake_cli: Path, tmp_path: Path) -> None:
    """A hanging icingacli is ended with the job at its timeout, recorded as `timeout`. The
    0.5 s count from icingacli's `started`, however long the worker child took to start."""
    settings = {"action": "housekeeping", "task": "slow"}
    clock = ClockFromMarker(tmp_path / "out.log", b"started")
    result, error = _run_in_worker(tmp_path, settings, timedelta(milliseconds=500), clock)
    assert result is Result.TIMEOUT
    assert error is not None
    output = (tmp_path / "out.log").read_text()
    assert "started" in output
    assert "stopped by the runner (timeout or shutdown) at icingacli director" in error


def _fake_install(target: Path) -> None:
    """Write the dist-info pip would write, with the entry points of the real pyproject."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]
    dist = target / "jobrunner_icinga_director-0.1.0.dist-info"
    dist.mkdir(parents=True)
    dist.joinpath("METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    lines = ["[jobrunner.job_types]"]
    for name, value in project["entry-points"]["jobrunner.job_types"].items():
        lines.append(f"{name} = {value}")
    dist.joinpath("entry_points.txt").write_text("\n".join(lines) + "\n")


def test_entry_point_registers_the_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pyproject's `jobrunner.job_types` entry point yields the `director` type."""
    _fake_install(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    registry = JobTypeRegistry([CommandType()])
    registry.load_entry_points()
    assert registry.diagnostics == []
    assert isinstance(registry.get("director"), DirectorType)


def test_lint_reports_plugin_settings_at_their_line(tmp_path: Path) -> None:
    """Lint applies the plugin's schema and checks and points at the offending setting."""
    (tmp_path / "jobs.yaml").write_text(
        "kind: Job\nname: sync\ntype: director\ninterval: 15m\nsettings:\n"
        "  action: sync\n  source: CMDB hosts\n"
    )
    registry = JobTypeRegistry([CommandType(), DirectorType()])
    report = lint(tmp_path, timezone="UTC", registry=registry)
    found = {(d.line, d.message) for d in report.diagnostics}
    assert (7, "'source' is not a setting of action 'sync'") in found
    assert any("needs exactly one of rule, rule_id or all" in message for _, message in found)
