"""`jobrunner lint` and `jobrunner schema` as a user runs them: the real CLI in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.cli import main
from tests.gitrepo import GitRepo
from tests.integration.cli import json_stdout, run_cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "jobs.d"
TWENTY = REPO / "tests" / "examples" / "invalid" / "twenty"
JOB = "kind: Job\nname: {name}\ntype: command\ninterval: 15m\nsettings: {{argv: [/bin/true]}}\n"


def test_examples_lint_cleanly() -> None:
    """`jobrunner lint examples/jobs.d` exits 0 and says so."""
    done = run_cli("lint", str(EXAMPLES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("no problems (11 files, 8 jobs, 8 time periods)")
    director = run_cli("lint", str(REPO / "examples" / "director"))
    assert director.returncode == 0, director.stdout


def test_mistakes_exit_1_in_every_format() -> None:
    """A tree with errors exits 1 with text, json, github and sarif output."""
    for fmt in ("text", "json", "github", "sarif"):
        done = run_cli("lint", str(TWENTY), "--format", fmt)
        assert done.returncode == 1, (fmt, done.stderr)
        assert done.stderr == ""
    data = json_stdout(run_cli("lint", str(TWENTY), "--format", "json"))
    assert data["valid"] is False
    assert len(data["errors"]) == 21


def test_files_are_reported_on_with_cross_file_checks(tmp_path: Path) -> None:
    """`lint FILE` loads the whole tree but reports only on FILE (as pre-commit calls it)."""
    (tmp_path / "a.yaml").write_text(JOB.format(name="same"))
    (tmp_path / "b.yaml").write_text(JOB.format(name="same") + "intervall: 1m\n")
    (tmp_path / "c.yaml").write_text("kind: Nope\n")
    done = run_cli("--jobs-dir", str(tmp_path), "lint", str(tmp_path / "a.yaml"))
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "a.yaml:2:7: error[duplicate-name]: job 'same' is defined more than once (also at b.yaml:1)"
    )
    assert "b.yaml:" not in done.stdout.replace("(also at b.yaml:1)", "")
    assert "c.yaml" not in done.stdout


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    """A warning alone exits 0, and 1 with --strict."""
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    (tmp_path / "a.yaml").write_text(JOB.format(name="a"))
    assert run_cli("lint", str(tmp_path)).returncode == 0
    assert run_cli("lint", str(tmp_path), "--strict").returncode == 1


def test_missing_directory_exits_2(tmp_path: Path) -> None:
    """A definitions directory that does not exist is a usage error with a clear message."""
    done = run_cli("--jobs-dir", str(tmp_path / "nope"), "lint")
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert "Traceback" not in done.stderr
    assert run_cli("lint", str(tmp_path / "nope.yaml")).returncode == 2


def test_github_paths_are_relative_to_the_git_top_level(git_repo: GitRepo) -> None:
    """Annotations name files from the repository root, so they land on the diff."""
    git_repo.write("ops/jobs.d/bad.yaml", JOB.format(name="x") + "intervall: 1m\n")
    git_repo.commit()
    done = run_cli("lint", "ops/jobs.d", "--format", "github", cwd=git_repo.path)
    assert done.returncode == 1
    assert done.stdout.startswith(
        "::error file=ops/jobs.d/bad.yaml,line=6,col=1,title=jobrunner lint (unknown-key)::"
    )
    sarif = json_stdout(run_cli("lint", "ops/jobs.d", "--format", "sarif", cwd=git_repo.path))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "ops/jobs.d/bad.yaml"


@pytest.mark.parametrize("name", ["job", "timeperiod", "defaults", "command"])
def test_schema_prints_json(name: str) -> None:
    """`jobrunner schema NAME` prints a Draft 2020-12 schema."""
    done = run_cli("schema", name)
    assert done.returncode == 0
    assert json_stdout(done)["$schema"].endswith("2020-12/schema")


def test_schema_unknown_name_and_list() -> None:
    """An unknown schema exits 2 naming the known ones; no name lists them."""
    done = run_cli("schema", "nope")
    assert done.returncode == 2
    assert "known: job, timeperiod, defaults, state, command" in done.stderr
    assert run_cli("schema").stdout.split()[:4] == ["job", "timeperiod", "defaults", "state"]


def test_absent_schema_file_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A schema that is not installed (e.g. state) exits 2 saying which file is missing."""
    import runner.definitions.schema as schema

    monkeypatch.setattr(schema, "schema_dir", lambda: tmp_path)
    schema.load_schema.cache_clear()
    try:
        assert main(["schema", "state"]) == 2
    finally:
        schema.load_schema.cache_clear()
    assert f"{tmp_path}/state.schema.json is missing" in capsys.readouterr().err


def test_version() -> None:
    """`jobrunner --version` prints the version."""
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("jobrunner ")


def test_files_outside_the_directory_are_noted_not_checked(tmp_path: Path) -> None:
    """pre-commit may pass other YAML files of the repository: they are skipped with a note."""
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "a.yaml").write_text(JOB.format(name="a"))
    other = tmp_path / ".gitlab-ci.yml"
    other.write_text("stages: [test]\n")
    done = run_cli(
        "--jobs-dir", str(tmp_path / "jobs"), "lint", str(tmp_path / "jobs" / "a.yaml"), str(other)
    )
    assert done.returncode == 0
    assert f"{other} is outside the definitions directory" in done.stderr
