"""The example `director` plugin: settings, command lines, failure detection, running."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

PLUGIN_SRC = Path(__file__).parents[2] / "examples/plugins/jobrunner-icinga-director/src"
if str(PLUGIN_SRC) not in sys.path:
    sys.path.insert(0, str(PLUGIN_SRC))

from jobrunner_icinga_director import DirectorType  # noqa: E402
from jobrunner_icinga_director.icingacli import CliResult, failure_in, parse_list  # noqa: E402
from jobrunner_icinga_director.settings import SETTINGS_SCHEMA, simple_command  # noqa: E402

from runner.jobtypes.python import JobContext, JobFailed  # noqa: E402

LISTING = ("  ID | Import Source name", "-----+----", "   3 | CMDB hosts", "     | -> in-sync")


class FakeCli:
    """Answers icingacli calls from a table and records them."""

    def __init__(self, answers: dict[str, CliResult] | None = None) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.answers = answers or {}

    def __call__(self, argv: Sequence[str]) -> CliResult:
        self.calls.append(tuple(argv))
        key = " ".join(argv[2:])
        return self.answers.get(key, CliResult(tuple(argv), 0, ("ok",)))


def _ctx(settings: dict[str, Any], stop: threading.Event | None = None) -> JobContext:
    return JobContext(
        job="demo",
        run_id="r1",
        settings=settings,
        logger=logging.getLogger("test.director"),
        deadline=None,
        stop=stop or threading.Event(),
        work_dir=None,
    )


def _errors(settings: dict[str, Any]) -> list[str]:
    schema = [e.message for e in Draft202012Validator(SETTINGS_SCHEMA).iter_errors(settings)]
    return schema or [p.message for p in DirectorType().check_settings(settings)]


@pytest.mark.parametrize(
    "settings",
    [
        {"action": "import", "source": "CMDB hosts", "run_import": False},
        {"action": "sync", "rule_id": 4},
        {"action": "sync", "all": True, "apply_changes": True},
        {"action": "deploy", "grace_period": "10m", "wait": 60, "force": False},
        {"action": "housekeeping", "task": "ALL", "icingacli": "/usr/bin/icingacli"},
    ],
)
def test_valid_settings(settings: dict[str, Any]) -> None:
    """Each action's own settings pass the schema and the extra checks."""
    assert _errors(settings) == []


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"action": "backup"}, "is not one of"),
        ({"action": "import"}, "needs exactly one of source, source_id or all"),
        ({"action": "sync", "rule": "a", "rule_id": 2}, "(got rule, rule_id)"),
        ({"action": "import", "rule": "x"}, "'rule' is not a setting of action 'import'"),
        ({"action": "deploy", "grace_period": "ten"}, "is not valid under any"),
        ({"action": "deploy", "grace": 5}, "Additional properties"),
    ],
)
def test_invalid_settings(settings: dict[str, Any], expected: str) -> None:
    """Wrong actions, keys of another action and missing or double targets are refused."""
    assert any(expected in message for message in _errors(settings)), _errors(settings)


def test_deploy_and_housekeeping_command_lines() -> None:
    """Deploy passes grace period, force and wait in seconds; render_only only renders."""
    deploy = {"action": "deploy", "grace_period": "10m", "force": True, "wait": "1m"}
    assert simple_command(deploy) == [
        *("config", "deploy", "--grace-period", "600", "--force", "--wait", "60"),
    ]
    assert simple_command({"action": "deploy", "render_only": True}) == ["config", "render"]
    assert simple_command({"action": "housekeeping"}) == ["housekeeping", "run", "ALL"]


def test_failure_read_from_output_despite_exit_0() -> None:
    """Director's "This Import Source failed" with exit status 0 is a failure."""
    result = CliResult(
        ("icingacli", "director", "importsource", "run", "--id", "3"),
        0,
        ("New data has been imported", "This Import Source failed: LDAP timeout"),
    )
    assert failure_in(result) == (
        "icingacli director importsource run --id 3: This Import Source failed: LDAP timeout"
    )


def test_exit_status_rules() -> None:
    """Non-zero fails with the last line; `syncrule check` exit 1 (pending) does not."""
    check = ("icingacli", "director", "syncrule", "check", "--id", "2")
    assert failure_in(CliResult(check, 1, ("There are pending changes",))) is None
    assert failure_in(CliResult(check, 2, ("This Sync Rule is failing",))) is not None
    deploy = ("icingacli", "director", "config", "deploy")
    assert failure_in(CliResult(deploy, 0, ("Config 'ab12' has been deployed",))) is None
    assert failure_in(CliResult(deploy, 1, ("first", "no route to host", ""))) == (
        "icingacli director config deploy exited with code 1: no route to host"
    )


def test_parse_list() -> None:
    """`importsource list` rows give names and ids; state lines are ignored."""
    assert parse_list([*LISTING, "  12 | vSphere VMs"]) == {"CMDB hosts": 3, "vSphere VMs": 12}


def test_name_resolved_through_list() -> None:
    """A source name is looked up with `importsource list`, then run by id."""
    cli = FakeCli({"importsource list": CliResult(("icingacli",), 0, LISTING)})
    DirectorType(cli).run(_ctx({"action": "import", "source": "CMDB hosts"}))
    assert cli.calls[-1] == ("icingacli", "director", "importsource", "run", "--id", "3")


def test_all_rules_checked_one_by_one() -> None:
    """`all: true` with apply_changes false checks every listed sync rule."""
    rows = ("   2 | hosts", "   5 | services")
    cli = FakeCli({"syncrule list": CliResult(("icingacli",), 0, rows)})
    DirectorType(cli).run(_ctx({"action": "sync", "all": True, "apply_changes": False}))
    assert [call[2:] for call in cli.calls[1:]] == [
        ("syncrule", "check", "--id", "2"),
        ("syncrule", "check", "--id", "5"),
    ]


def test_unknown_name_fails_with_known_names() -> None:
    """A name Director does not know fails the job and lists the names it does know."""
    cli = FakeCli({"importsource list": CliResult(("icingacli", "x"), 0, LISTING)})
    with pytest.raises(JobFailed, match=r"'LDAP' does not exist in Director; known: CMDB hosts"):
        DirectorType(cli).run(_ctx({"action": "import", "source": "LDAP"}))


def test_stop_request_ends_the_job() -> None:
    """A stop request (SIGTERM in the worker) fails the job before the next command."""
    stop = threading.Event()
    stop.set()
    cli = FakeCli()
    with pytest.raises(JobFailed, match="stopped by the runner"):
        DirectorType(cli).run(_ctx({"action": "housekeeping"}, stop))
    assert cli.calls == []
