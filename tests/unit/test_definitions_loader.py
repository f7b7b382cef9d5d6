"""The loader: building definitions, cross-file checks, zones and job-type settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runner.definitions import LoadResult, load_definitions, load_from_files
from runner.definitions.build import system_zone
from runner.jobtypes import JobTypeRegistry, SettingsProblem, default_registry
from runner.jobtypes.command import CommandType

REPO = Path(__file__).resolve().parents[2]
PERIOD = "kind: TimePeriod\nname: {name}\ntimezone: UTC\nranges: {{monday: '09:00-17:00'}}\n"
JOB = "kind: Job\nname: {name}\ntype: command\ninterval: 15m\nsettings: {{argv: [/bin/true]}}\n"


def load(files: Mapping[str, str], **kwargs: Any) -> LoadResult:
    """Load text files as a tree rooted at /defs."""
    data = {path: text.encode() for path, text in files.items()}
    kwargs.setdefault("timezone", "UTC")
    return load_from_files(data, root=Path("/defs"), **kwargs)


def codes(result: LoadResult) -> list[tuple[str | None, int | None, int | None, str]]:
    """(file, line, column, code) of every diagnostic."""
    return [(d.file, d.line, d.column, d.code) for d in result.diagnostics]


def test_examples_load_cleanly_into_model_objects() -> None:
    """examples/jobs.d loads without findings; jobs, periods and Defaults are built."""
    result = load_definitions(REPO / "examples" / "jobs.d")
    assert result.diagnostics == []
    defs = result.definitions
    assert "disk-usage-report" in defs.jobs
    job = defs.jobs["tmp-cleanup"]
    assert job.interval == timedelta(hours=1)
    assert job.once_per_window
    assert job.source is not None
    assert job.source.file == "jobs/nightly.yaml"
    assert job.source.line == 3
    assert defs.defaults.timezone == "Europe/Berlin"
    assert defs.defaults.timeout == timedelta(minutes=10)
    assert defs.timeperiod_defs["business-hours"].timezone_origin == "defaults"
    monday_ten = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    assert defs.timeperiods["business-hours"].is_active(monday_ten)
    christmas = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    assert not defs.timeperiods["business-hours"].is_active(christmas)
    assert result.files == 11  # drafts/ is in .jobrunnerignore


def test_load_from_files_filters_like_a_walk() -> None:
    """Non-YAML, hidden and ignored paths passed in (a git tree) are not loaded."""
    result = load(
        {
            "a.yaml": JOB.format(name="a"),
            "README.md": "not yaml",
            ".hidden/x.yaml": "broken: [",
            "drafts/y.yaml": "broken: [",
            ".jobrunnerignore": "drafts/\n",
        }
    )
    assert result.ok
    assert result.files == 1
    assert list(result.definitions.jobs) == ["a"]


def test_duplicate_names_are_reported_at_both_places() -> None:
    """A job name defined twice is an error in each file, naming the other one."""
    result = load({"a.yaml": JOB.format(name="x"), "b.yaml": "\n" + JOB.format(name="x")})
    assert codes(result) == [
        ("a.yaml", 2, 7, "duplicate-name"),
        ("b.yaml", 3, 7, "duplicate-name"),
    ]
    assert "b.yaml:2" in result.diagnostics[0].message
    assert "a.yaml:1" in result.diagnostics[1].message


def test_unknown_period_references_and_cycles() -> None:
    """Unknown periods in jobs and includes/excludes are errors; a cycle is named."""
    files = {
        "p.yaml": PERIOD.format(name="a")
        + "includes: [b]\n---\n"
        + PERIOD.format(name="b")
        + "excludes: [a, ghost]\n",
        "j.yaml": JOB.format(name="j") + "timeperiod: aa\n",
    }
    result = load(files)
    assert codes(result) == [
        ("j.yaml", 6, 13, "unknown-timeperiod"),
        ("p.yaml", 11, 12, "timeperiod-cycle"),
        ("p.yaml", 11, 15, "unknown-timeperiod"),
    ]
    assert "a -> b -> a" in result.diagnostics[1].message
    assert result.diagnostics[0].hint == "did you mean 'a'?"


def test_more_than_one_defaults_is_an_error() -> None:
    """A second Defaults document is reported and points at the first."""
    result = load({"a.yaml": "kind: Defaults\n", "b.yaml": "kind: Defaults\n"})
    assert codes(result) == [("b.yaml", 1, 7, "duplicate-defaults")]
    assert "a.yaml:1" in result.diagnostics[0].message


def test_once_per_window_needs_a_timeperiod() -> None:
    """once_per_window without timeperiod is an error at the flag."""
    result = load({"j.yaml": JOB.format(name="j") + "once_per_window: true\n"})
    assert codes(result) == [("j.yaml", 6, 18, "once-per-window")]


@pytest.mark.parametrize(
    ("value", "code"), [("15x", "duration"), ("0s", "duration"), ("'1h'", None), ("90", None)]
)
def test_interval_syntax(value: str, code: str | None) -> None:
    """Intervals are durations of at least 1s; errors show the accepted forms."""
    text = JOB.format(name="j").replace("interval: 15m", f"interval: {value}")
    result = load({"j.yaml": text})
    if code is None:
        assert result.ok
    else:
        assert codes(result) == [("j.yaml", 4, 11, code)]
        assert "90s, 15m, 1h30m" in (result.diagnostics[0].hint or "")


def test_unknown_key_gets_did_you_mean() -> None:
    """A near-miss key (intervall) is an unknown-key error with a suggestion."""
    result = load({"j.yaml": JOB.format(name="j") + "intervall: 5m\n"})
    assert codes(result) == [("j.yaml", 6, 1, "unknown-key")]
    assert result.diagnostics[0].hint == "did you mean 'interval'?"


def test_settings_errors_point_inside_settings() -> None:
    """The type's settings schema and check_settings report positions inside settings."""
    bad_schema = JOB.format(name="a").replace("[/bin/true]", "[/bin/true], shell: x")
    bad_env = JOB.format(name="b") + "  " + "\n".join(["", "  env:", "    T: '${no way}'"])
    bad_env = bad_env.replace("settings: {argv: [/bin/true]}\n  ", "settings:\n  argv: [x]")
    result = load({"a.yaml": bad_schema, "b.yaml": bad_env})
    assert codes(result) == [("a.yaml", 5, 11, "schema"), ("b.yaml", 8, 8, "settings")]
    assert "exactly one of 'argv', 'shell'" in result.diagnostics[0].message


class _Picky:
    """A job type whose check_settings always complains about `x`."""

    name = "picky"
    settings_schema: Mapping[str, Any] = {"type": "object", "properties": {"x": {"type": "string"}}}

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Complain about settings.x."""
        return [SettingsProblem(path=("x",), message="x is odd", hint="change x")]

    def launch(self, job: Any, context: Any) -> Any:
        """Never called here."""
        raise NotImplementedError


def test_registry_types_and_their_diagnostics_are_used() -> None:
    """Types come from the registry; its plugin diagnostics join the result."""
    registry = JobTypeRegistry([CommandType(), _Picky(), _Picky()])  # second one: a diagnostic
    text = "kind: Job\nname: p\ntype: picky\ninterval: 1m\nsettings:\n  x: 'y'\n"
    result = load(
        {"p.yaml": text, "q.yaml": text.replace("p\n", "q\n").replace("picky", "pick")},
        registry=registry,
    )
    assert codes(result) == [
        (None, None, None, "plugin"),
        ("p.yaml", 6, 6, "settings"),
        ("q.yaml", 3, 7, "unknown-type"),
    ]
    assert result.diagnostics[2].hint == "did you mean 'picky'?"


def test_a_broken_plugin_is_a_warning_and_an_error_only_for_its_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plugin that fails to import does not stop the other jobs (a warning naming the entry
    point); a job of its type is an error that says the plugin is why."""
    from importlib.metadata import EntryPoint

    from runner.diagnostics import Severity

    broken = EntryPoint(
        name="director", value="no_such_module_xyz:DirectorType", group="jobrunner.job_types"
    )
    monkeypatch.setattr("runner.jobtypes.registry.entry_points", lambda group: [broken])
    registry = JobTypeRegistry([CommandType()])
    registry.load_entry_points()
    plain = "kind: Job\nname: a\ntype: command\ninterval: 1m\nsettings: {argv: [/bin/true]}\n"
    alone = load({"a.yaml": plain}, registry=registry)
    assert alone.definitions is not None
    assert [(d.code, d.severity) for d in alone.diagnostics] == [("plugin", Severity.WARNING)]
    assert "'director' (no_such_module_xyz:DirectorType) could not be loaded" in (
        alone.diagnostics[0].message
    )
    uses = "kind: Job\nname: d\ntype: director\ninterval: 1m\nsettings: {}\n"
    result = load({"a.yaml": plain, "d.yaml": uses}, registry=registry)
    assert codes(result) == [(None, None, None, "plugin"), ("d.yaml", 3, 7, "unknown-type")]
    error = result.diagnostics[1]
    assert error.severity == Severity.ERROR
    assert error.message.startswith("job type 'director' is not available: its plugin")
    assert "ModuleNotFoundError" in error.message
    assert error.hint is not None
    assert error.hint.startswith("fix or reinstall the plugin package")
    other = load({"o.yaml": uses.replace("director", "cmdb")}, registry=registry)
    assert "a plugin that could not be loaded may provide it" in other.diagnostics[1].message


def test_zone_resolution_order_and_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Own zone, then Defaults, then --timezone (warned), then the system zone (warned)."""
    period = "kind: TimePeriod\nname: p\nranges: {monday: '09:00-17:00'}\n"
    with_defaults = load({"p.yaml": period, "d.yaml": "kind: Defaults\ntimezone: Asia/Tokyo\n"})
    assert with_defaults.diagnostics == []
    assert with_defaults.definitions.timeperiod_defs["p"].timezone == "Asia/Tokyo"
    from_option = load({"p.yaml": period}, timezone="America/New_York")
    assert codes(from_option) == [("p.yaml", 2, 7, "timezone-missing")]
    assert from_option.definitions.timeperiod_defs["p"].timezone_origin == "option"
    monkeypatch.setenv("TZ", "Australia/Sydney")
    from_system = load({"p.yaml": period}, timezone=None)
    assert "Australia/Sydney from the TZ variable" in from_system.diagnostics[0].message
    assert from_system.ok
    bad_option = load({"p.yaml": period}, timezone="Mars/Olympus")
    assert codes(bad_option) == [("p.yaml", 2, 7, "unknown-timezone")]


def test_system_zone_fallbacks() -> None:
    """TZ wins when it names a zone; a bogus TZ falls through to /etc/localtime or UTC."""
    assert system_zone({"TZ": ":Europe/Paris"}) == ("Europe/Paris", "the TZ variable")
    assert system_zone({"TZ": "Nowhere/Land"})[0] != "Nowhere/Land"


def test_range_findings_map_to_quoted_positions() -> None:
    """A range error points at the offending token, past the opening quote."""
    text = 'kind: TimePeriod\nname: p\ntimezone: UTC\nranges:\n  monday: "09:00-5pm"\n'
    result = load({"p.yaml": text})
    assert codes(result) == [("p.yaml", 5, 18, "range-syntax")]
    plain = load({"p.yaml": text.replace('"09:00-5pm"', "09:00-5pm")})
    assert codes(plain) == [("p.yaml", 5, 17, "range-syntax")]


def test_only_valid_periods_are_built_in_dependency_order() -> None:
    """A period that includes a broken one is left out; the others are built."""
    files = {
        "p.yaml": PERIOD.format(name="base")
        + "---\n"
        + PERIOD.format(name="top")
        + "includes: [base]\n---\n"
        + PERIOD.format(name="bad").replace("09:00", "9am"),
    }
    result = load(files)
    assert not result.ok
    assert sorted(result.definitions.timeperiods) == ["base", "top"]


def test_default_registry_is_used_when_none_is_given() -> None:
    """Without a registry argument the built-in command type is known."""
    assert default_registry().get("command") is not None
    assert load({"j.yaml": JOB.format(name="j")}).ok


def test_process_pool_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Big trees are checked on both cores; the result equals the in-process one."""
    import runner.definitions.loader as loader

    files = {f"j{n:02d}.yaml": JOB.format(name=f"j{n}") for n in range(12)}
    files["bad.yaml"] = JOB.format(name="j1") + "intervall: 1m\n"
    files["p.yaml"] = PERIOD.format(name="p") + "excludes: [ghost]\n"
    sequential = load(files)
    used: list[bool] = []
    real_warm_up = loader._warm_up
    monkeypatch.setattr(loader, "PARALLEL_FILES", 2)
    monkeypatch.setattr(loader.threading, "active_count", lambda: 1)
    monkeypatch.setattr(loader.os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(loader, "_warm_up", lambda r: used.append(True) or real_warm_up(r))
    parallel = load(files)
    assert used == [True]
    assert parallel.diagnostics == sequential.diagnostics
    assert parallel.definitions.jobs == sequential.definitions.jobs
    assert len(parallel.diagnostics) == 4
