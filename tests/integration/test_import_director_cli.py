"""`jobrunner import-director` as a user runs it: import the fixture basket, lint the result
with the `director` plugin discoverable, run an imported job against a fake icingacli."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.integration.cli import json_stdout, run_cli

REPO = Path(__file__).parents[2]
FIXTURE = REPO / "tests/fixtures/director-basket.json"
PLUGIN = REPO / "examples/plugins/jobrunner-icinga-director"


@pytest.fixture
def plugin_path(tmp_path: Path) -> str:
    """A PYTHONPATH on which the plugin is installed as pip would (dist-info + package)."""
    site = tmp_path / "site"
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]
    dist = site / "jobrunner_icinga_director-0.1.0.dist-info"
    dist.mkdir(parents=True)
    dist.joinpath("METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    points = project["entry-points"]["jobrunner.job_types"]
    dist.joinpath("entry_points.txt").write_text(
        "[jobrunner.job_types]\n" + "".join(f"{k} = {v}\n" for k, v in points.items())
    )
    return os.pathsep.join([str(site), str(PLUGIN / "src")])


def _import(out: Path, *extra: str) -> tuple[int, str, str]:
    done = run_cli(
        "import-director", str(FIXTURE), "--timezone", "Europe/Berlin", "--out", str(out), *extra
    )
    return done.returncode, done.stdout, done.stderr


def test_import_then_lint_is_clean(tmp_path: Path, plugin_path: str) -> None:
    """The fixture imports (exit 1: one job of another module is left out) and lints clean."""
    out = tmp_path / "defs"
    code, stdout, stderr = _import(out)
    assert code == 1, stderr
    assert "wrote 12 job(s) and 8 time period(s)" in stdout
    assert "every job got `timeout: 1h`" in stdout
    assert "14 change(s) of meaning, 2 left out" in stdout
    assert '"60: Monthly SLA report": skipped' in stderr
    assert "across midnight" in stderr
    linted = run_cli("lint", str(out), "--format", "json", env={"PYTHONPATH": plugin_path})
    assert linted.returncode == 0, linted.stdout
    report = json_stdout(linted)
    assert (report["valid"], report["jobs"], report["timeperiods"]) == (True, 12, 8)


def test_schema_of_the_plugin_type(plugin_path: str) -> None:
    """`jobrunner schema director` prints the installed plugin's settings schema."""
    done = run_cli("schema", "director", env={"PYTHONPATH": plugin_path})
    assert done.returncode == 0, done.stderr
    assert json_stdout(done)["title"] == "director job settings"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """A second import names the existing files and changes nothing; --force overwrites."""
    out = tmp_path / "defs"
    _import(out)
    (out / "jobs/40-housekeeping.yaml").write_text("# edited by hand\n")
    code, _, stderr = _import(out)
    assert code == 2
    assert "already exist; use --force to overwrite them" in stderr
    assert (out / "jobs/40-housekeeping.yaml").read_text() == "# edited by hand\n"
    code, _, _ = _import(out, "--force")
    assert code == 1
    assert "kind: Job" in (out / "jobs/40-housekeeping.yaml").read_text()


def test_usage_errors(tmp_path: Path) -> None:
    """No --timezone, an unknown zone and a file that is not JSON are usage errors."""
    no_zone = run_cli("import-director", str(FIXTURE), "--out", str(tmp_path))
    assert no_zone.returncode == 2
    assert "needs --timezone TZ" in no_zone.stderr
    bad_zone = run_cli("import-director", str(FIXTURE), "--timezone", "Mars/Olympus")
    assert bad_zone.returncode == 2
    assert "not an IANA zone name" in bad_zone.stderr
    broken = tmp_path / "basket.json"
    broken.write_text('{"DirectorJob": {,}}')
    not_json = run_cli("import-director", str(broken), "--timezone", "UTC")
    assert not_json.returncode == 2
    assert f"{broken}:1:18: not JSON" in not_json.stderr


def test_imported_job_runs(tmp_path: Path, plugin_path: str) -> None:
    """An imported housekeeping job runs `icingacli director housekeeping run ALL`."""
    out = tmp_path / "defs"
    _import(out)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "icingacli.log"
    fake = bin_dir / "icingacli"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {log}\necho "housekeeping done"\n')
    fake.chmod(0o755)
    env = {"PYTHONPATH": plugin_path, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = run_cli(
        "--jobs-dir",
        str(out),
        "run-job",
        "40-housekeeping",
        state_file=tmp_path / "state/state.json",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert log.read_text() == "director housekeeping run ALL\n"
