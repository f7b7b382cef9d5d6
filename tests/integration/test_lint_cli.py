"""`jobrunner lint` and `jobrunner schema` through the real CLI: exit codes, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.cli import run_cli

REPO = Path(__file__).resolve().parents[2]

JOB = """\
kind: Job
name: {name}
interval: 15m
type: command
settings:
  argv: [df, -h]
"""


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> content) under `root` and return it."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def test_examples_lint_clean() -> None:
    """Both shipped example trees lint without findings and exit 0."""
    for tree in ("examples/jobs.d", "examples/director"):
        done = run_cli("lint", str(REPO / tree), "--strict")
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("no problems (")
        assert "Traceback" not in done.stderr


def test_missing_directory_exits_2(tmp_path: Path) -> None:
    """A definitions directory that does not exist is a usage error (exit 2), not a traceback."""
    done = run_cli("lint", "--jobs-dir", str(tmp_path / "absent"))
    assert done.returncode == 2
    assert "absent" in done.stderr
    assert "Traceback" not in done.stderr


def test_errors_exit_1_with_file_line_column(tmp_path: Path) -> None:
    """A typo'd key is reported as file:line:col with a did-you-mean hint, exit 1."""
    root = _tree(tmp_path / "d", {"job.yaml": JOB.format(name="a") + "intervall: 5m\n"})
    done = run_cli("lint", str(root))
    assert done.returncode == 1
    assert "job.yaml:7:1: error[unknown-key]: unknown key 'intervall'" in done.stdout
    assert "    hint: did you mean 'interval'?" in done.stdout


def test_bad_input_each_a_diagnostic(tmp_path: Path) -> None:
    """Broken YAML, non-mapping, missing/unknown kind, tabs, non-UTF-8 each name file and line."""
    root = _tree(
        tmp_path / "d",
        {
            "broken.yaml": "kind: Job\nname: [a\n",
            "list.yaml": "- a\n- b\n",
            "nokind.yaml": "name: x\n",
            "badkind.yaml": "kind: Jbo\nname: x\n",
            "tabs.yaml": "kind: Job\n\tname: x\n",
            "latin1.yaml": "kind: Job\nname: caf\xe9\n".encode("latin-1"),
            "ok.yaml": JOB.format(name="fine"),
        },
    )
    done = run_cli("lint", str(root), "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    files = {entry["file"] for entry in report["errors"]}
    assert files == {
        "broken.yaml",
        "list.yaml",
        "nokind.yaml",
        "badkind.yaml",
        "tabs.yaml",
        "latin1.yaml",
    }
    assert all(entry["line"] >= 1 for entry in report["errors"])
    assert report["jobs"] == 1
    assert "Traceback" not in done.stderr


def test_files_report_only_on_given_but_load_whole_tree(tmp_path: Path) -> None:
    """`lint FILE` reports only that file's findings, but cross-file checks see the whole tree."""
    root = _tree(
        tmp_path / "d",
        {
            "a.yaml": JOB.format(name="same"),
            "b.yaml": JOB.format(name="same"),
            "c.yaml": "kind: Job\nname: [x\n",
        },
    )
    done = run_cli("--jobs-dir", str(root), "lint", str(root / "a.yaml"))
    assert done.returncode == 1
    assert "a.yaml:2:7: error[duplicate-name]" in done.stdout
    assert "b.yaml" in done.stdout  # named in the message as the other place
    assert "c.yaml" not in done.stdout


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    """A period without any zone is a warning: exit 0 normally, 1 with --strict."""
    period = "kind: TimePeriod\nname: always\nranges:\n  monday: '00:00-24:00'\n"
    root = _tree(tmp_path / "d", {"p.yaml": period})
    plain = run_cli("lint", str(root))
    strict = run_cli("lint", str(root), "--strict")
    assert "warning[" in plain.stdout, plain.stdout
    assert (plain.returncode, strict.returncode) == (0, 1)


def test_github_and_sarif_formats(tmp_path: Path) -> None:
    """github prints escaped workflow commands; sarif prints a SARIF 2.1.0 log with the result."""
    root = _tree(tmp_path / "d", {"job.yaml": JOB.format(name="a") + "intervall: 5m\n"})
    github = run_cli("lint", str(root), "--format", "github")
    assert github.returncode == 1
    line = github.stdout.splitlines()[0]
    assert line.startswith("::error file=")
    assert "job.yaml,line=7,col=1," in line
    assert "%0Ahint: did you mean 'interval'?" in line
    sarif = run_cli("lint", str(root), "--format", "sarif")
    assert sarif.returncode == 1
    log = json.loads(sarif.stdout)
    assert log["version"] == "2.1.0"
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (7, 1)


def test_schema_command_prints_each_schema() -> None:
    """`schema job|timeperiod|defaults|command` prints Draft 2020-12 JSON; unknown exits 2."""
    for name in ("job", "timeperiod", "defaults", "command"):
        done = run_cli("schema", name)
        assert done.returncode == 0, done.stderr
        schema = json.loads(done.stdout)
        assert isinstance(schema, dict)
        assert "properties" in schema or "$defs" in schema or "type" in schema
    job = json.loads(run_cli("schema", "job").stdout)
    assert job["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    unknown = run_cli("schema", "no-such-thing")
    assert unknown.returncode == 2
    assert "Traceback" not in unknown.stderr
