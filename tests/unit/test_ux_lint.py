"""Lint findings for mistakes users coming from cron, YAML 1.1 or prose really make: each one
says what is wrong at its position and what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.definitions import load_from_files
from runner.durations import suggest_duration
from runner.timeperiods import check_ranges

JOB = "kind: Job\nname: j\ntype: command\ninterval: {interval}\n{extra}settings: {settings}\n"


def findings(text: str) -> list[tuple[int | None, int | None, str, str, str | None]]:
    """(line, column, code, message, hint) of every finding of one file `a.yaml`."""
    result = load_from_files({"a.yaml": text.encode()}, root=Path("/defs"), timezone="UTC")
    return [(d.line, d.column, d.code, d.message, d.hint) for d in result.diagnostics]


def job(interval: str = "1h", extra: str = "", settings: str = "{argv: [/bin/true]}") -> str:
    """One job document with the given pieces."""
    return JOB.format(interval=interval, extra=extra, settings=settings)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("5 minutes", "5m"),
        ("1 hour", "1h"),
        ("1h 30m", "1h30m"),
        ("1.5h", "1h30m"),
        ("90sec", "90s"),
        ("2 days, 3 hours", "2d3h"),
        ("1 hour and 30 minutes", "1h30m"),
        ("15M", "15m"),
    ],
)
def test_a_duration_written_in_words_gets_the_accepted_form(written: str, meant: str) -> None:
    """Prose, blanks, fractions and long unit names are guessed as the duration meant."""
    assert suggest_duration(written) == meant


@pytest.mark.parametrize("written", ["15x", "0.5s", "abc", "", "5", "m", "1e9h"])
def test_no_guess_when_the_meaning_is_unclear(written: str) -> None:
    """Unknown units, sub-second values and plain junk get no guess."""
    assert suggest_duration(written) is None


def test_the_duration_hint_names_the_guess() -> None:
    """`interval: 5 minutes` is a duration error whose hint starts with "did you mean '5m'?"."""
    [(line, column, code, message, hint)] = findings(job(interval="5 minutes"))
    assert (line, column, code) == (4, 11, "duration")
    assert message == "interval: '5 minutes' is not a duration"
    assert hint is not None
    assert hint.startswith("did you mean '5m'? use integer seconds (90)")


def test_interval_zero_is_one_finding() -> None:
    """`interval: 0` is reported once ("shorter than 1s"), not also as "not a duration"."""
    [(line, _column, code, message, _hint)] = findings(job(interval="0"))
    assert (line, code, message) == (4, "duration", "interval 0 is shorter than 1s")


def test_a_zero_hook_timeout_in_defaults_is_reported_once() -> None:
    """A Defaults hook's `timeout: 0` is reported as zero, as a job's hook's is."""
    text = "kind: Defaults\ntimezone: UTC\non_failure: {argv: [x], timeout: 0}\n"
    [(line, column, code, message, _hint)] = findings(text)
    assert (line, column, code, message) == (3, 34, "duration", "timeout 0 is zero")


def test_a_zero_settings_timeout_says_it_is_too_short() -> None:
    """A job type's duration setting below 1s is "shorter than 1s", not "not a duration"."""
    text = "kind: Job\nname: h\ntype: http\ninterval: 1h\nsettings: {url: 'http://x', timeout: 0}\n"
    [(_line, _column, code, message, _hint)] = findings(text)
    assert (code, message) == ("duration", "settings.timeout: 0 is shorter than 1s")


@pytest.mark.parametrize(("written", "fix"), [("yes", "true"), ("no", "false"), ("off", "false")])
def test_a_yaml_1_1_boolean_says_what_to_write(written: str, fix: str) -> None:
    """`disabled: yes` is text under YAML 1.2: the finding says so and to write true/false."""
    found = findings(job(extra=f"disabled: {written}\n"))
    assert len(found) == 1, found
    [(line, column, code, message, hint)] = found
    assert (line, column, code) == (5, 11, "schema")
    assert (
        message == f"disabled: {written!r} is text, not a boolean (YAML 1.2 reads only true/false)"
    )
    assert hint == f"write {fix}"


def test_argv_written_as_a_command_line_gets_both_fixes() -> None:
    """`argv: "echo hi"` suggests the list form and the shell form."""
    [(line, _column, code, message, hint)] = findings(job(settings="{argv: 'echo hi'}"))
    assert (line, code) == (5, "schema")
    assert message == "settings.argv: 'echo hi' is a string; argv is a list"
    assert hint == 'write argv: ["echo", "hi"] (no shell), or shell: "echo hi"'


@pytest.mark.parametrize(
    ("key", "days"),
    [
        ("weekdays", "monday - friday"),
        ("Weekend", "saturday - sunday"),
        ("daily", "monday - sunday"),
    ],
)
def test_a_word_for_several_days_suggests_a_day_range(key: str, days: str) -> None:
    """`weekdays:` is not "did you mean 'wednesday'?" but the weekday range to write."""
    [finding] = check_ranges({key: "09:00-17:00"})
    assert finding.message == f"unknown name {key!r}"
    assert finding.hint == f"write the days as a range: {days!r}"


def test_a_reused_object_id_does_not_bring_another_types_settings_schema() -> None:
    """The settings validator cache compares the job type itself, not only its id (a freed
    registry's id reused by a new one checked `command` settings against `http`'s schema)."""
    from runner.definitions import documents
    from runner.jobtypes import default_registry

    registry = default_registry()
    command, http = registry.get("command"), registry.get("http")
    stale = (http, documents.build_validator(http.settings_schema))
    documents._TYPE_VALIDATORS[id(command)] = stale  # what a reused id looked like
    validator = documents._type_validator(command)
    assert validator is not stale[1]
    assert validator.is_valid({"argv": ["/bin/true"]})
