"""Where the state lives: the resolution order of SPEC §5 and the env file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner.state import apply_env_file, read_env_file, resolve_state_path

ENV_FILE_TEXT = """\
# jobrunner service settings
; another comment
JOBRUNNER_JOBS_DIR="/srv/jobs.d"
export JOBRUNNER_STATE_FILE='/srv/state/state.json'
EMPTY=
not a variable line
"""


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    """An env file in systemd `EnvironmentFile=` syntax."""
    path = tmp_path / "jobrunner.env"
    path.write_text(ENV_FILE_TEXT)
    return path


def test_env_file_syntax(env_file: Path) -> None:
    """Comments and odd lines are skipped; quotes and `export ` are removed."""
    assert read_env_file(env_file) == {
        "JOBRUNNER_JOBS_DIR": "/srv/jobs.d",
        "JOBRUNNER_STATE_FILE": "/srv/state/state.json",
        "EMPTY": "",
    }
    assert read_env_file(env_file.parent / "missing.env") == {}


def test_apply_env_file_keeps_the_environment(env_file: Path) -> None:
    """Variables from the file fill gaps; a variable already in the environment wins."""
    environ = {"JOBRUNNER_JOBS_DIR": "/mine"}
    applied = apply_env_file(environ, env_file)
    assert environ["JOBRUNNER_JOBS_DIR"] == "/mine"
    assert environ["JOBRUNNER_STATE_FILE"] == "/srv/state/state.json"
    assert "JOBRUNNER_JOBS_DIR" not in applied


def test_resolution_order(env_file: Path, tmp_path: Path) -> None:
    """--state-file, environment, env file, STATE_DIRECTORY, root default, XDG, ~/.local."""
    none = tmp_path / "none.env"
    home = {"HOME": "/home/u"}
    cases = [
        (Path("/cli.json"), {"JOBRUNNER_STATE_FILE": "/env.json"}, env_file, 0, "/cli.json"),
        (None, {"JOBRUNNER_STATE_FILE": "/env.json"}, env_file, 0, "/env.json"),
        (None, {"STATE_DIRECTORY": "/sd"}, env_file, 0, "/srv/state/state.json"),
        (None, {"STATE_DIRECTORY": "/sd:/other"}, none, 0, "/sd/state.json"),
        (None, home, none, 0, "/var/lib/jobrunner/state.json"),
        (None, {**home, "XDG_STATE_HOME": "/x"}, none, 1000, "/x/jobrunner/state.json"),
        (None, {**home, "XDG_STATE_HOME": "rel"}, none, 1000, "/home/u/.local/state/jobrunner"),
    ]
    for cli, environ, file, euid, expected in cases:
        path, origin = resolve_state_path(cli, environ, env_file=file, euid=euid)
        expected_path = expected if expected.endswith(".json") else f"{expected}/state.json"
        assert (str(path), bool(origin)) == (expected_path, True), (cli, environ, file, euid)


def test_origin_is_described(env_file: Path) -> None:
    """The description names where the path came from (printed by `status`)."""
    _, origin = resolve_state_path(None, {}, env_file=env_file, euid=1000)
    assert origin == f"JOBRUNNER_STATE_FILE in {env_file}"


def test_an_env_file_others_could_write_is_not_used(tmp_path: Path) -> None:
    """A world-writable env file, one in a world-writable directory (no sticky bit) and one
    owned by another user set nothing; the allow flag uses it anyway; a sticky directory
    (like /tmp) is fine."""
    from runner.state.location import env_file_problem

    directory = tmp_path / "etc"
    directory.mkdir(mode=0o755)
    path = directory / "jobrunner.env"
    path.write_text("JOBRUNNER_JOBS_DIR=/evil\n")
    path.chmod(0o644)
    assert env_file_problem(path) is None
    assert read_env_file(path) == {"JOBRUNNER_JOBS_DIR": "/evil"}

    path.chmod(0o666)
    assert env_file_problem(path) == f"{path} is writable by every user"
    assert read_env_file(path) == {}
    assert read_env_file(path, allow_insecure=True) == {"JOBRUNNER_JOBS_DIR": "/evil"}
    environ: dict[str, str] = {}
    assert apply_env_file(environ, path) == {}
    assert environ == {}
    path.chmod(0o644)

    directory.chmod(0o777)
    assert env_file_problem(path) == f"{directory} is writable by every user"
    directory.chmod(0o1777)
    assert env_file_problem(path) is None
    directory.chmod(0o755)

    other = 65534 if os.geteuid() == 0 else None
    if other is not None:  # only root can give a file away
        os.chown(path, other, -1)
        problem = env_file_problem(path)
        assert problem is not None
        assert "neither root nor you" in problem
        assert read_env_file(path) == {}


def test_the_cli_ignores_an_unsafe_env_file_and_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command's start: an unsafe env file is named on stderr with the fix and not
    applied; with the allow option it is applied."""
    from runner import cli
    from runner.state import location

    path = tmp_path / "jobrunner.env"
    path.write_text("JOBRUNNER_TEST_FROM_ENV_FILE=1\n")
    path.chmod(0o666)
    monkeypatch.setattr(location, "ENV_FILE", path)
    monkeypatch.delenv("JOBRUNNER_TEST_FROM_ENV_FILE", raising=False)
    monkeypatch.delenv("JOBRUNNER_ALLOW_INSECURE_PERMISSIONS", raising=False)
    cli._apply_env_file(allow_flag=False)
    err = capsys.readouterr().err
    assert f"ignoring {path}: {path} is writable by every user" in err
    assert f"chmod 644 {path}" in err
    assert "JOBRUNNER_TEST_FROM_ENV_FILE" not in os.environ
    cli._apply_env_file(allow_flag=True)
    assert capsys.readouterr().err == ""
    assert os.environ["JOBRUNNER_TEST_FROM_ENV_FILE"] == "1"


def test_a_users_own_env_file_comes_before_the_hosts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a user other than root, `$XDG_CONFIG_HOME/jobrunner/jobrunner.env` (the user
    unit's file) is read first, then /etc's; the environment wins over both. Root reads
    only /etc's."""
    from runner import cli
    from runner.state import location

    user_file = tmp_path / "config" / "jobrunner" / "jobrunner.env"
    user_file.parent.mkdir(parents=True)
    user_file.write_text("JOBRUNNER_TEST_JOBS=/home/u/jobs\n")
    host_file = tmp_path / "etc.env"
    host_file.write_text("JOBRUNNER_TEST_JOBS=/srv/jobs\nJOBRUNNER_TEST_STATE=/var/s.json\n")
    monkeypatch.setattr(location, "ENV_FILE", host_file)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("JOBRUNNER_TEST_JOBS", "JOBRUNNER_TEST_STATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "effective_uid", lambda: 1000)
    cli._apply_env_file(allow_flag=False)
    assert os.environ["JOBRUNNER_TEST_JOBS"] == "/home/u/jobs"
    assert os.environ["JOBRUNNER_TEST_STATE"] == "/var/s.json"

    monkeypatch.delenv("JOBRUNNER_TEST_JOBS")
    monkeypatch.setattr(cli, "effective_uid", lambda: 0)
    cli._apply_env_file(allow_flag=False)
    assert os.environ["JOBRUNNER_TEST_JOBS"] == "/srv/jobs"

    home = {"HOME": "/home/u"}
    assert location.user_env_file(home, 1000) == Path("/home/u/.config/jobrunner/jobrunner.env")
    assert location.user_env_file({**home, "XDG_CONFIG_HOME": "rel"}, 1000) == Path(
        "/home/u/.config/jobrunner/jobrunner.env"
    )
    assert location.user_env_file(home, 0) is None
    assert location.user_env_file({}, 1000) is None
