"""Messages a new user meets first: YAML tabs, range typos, bad option values, unknown jobs,
a state path that is a directory, and a pipe closed early (`jobrunner schema | head`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from runner.cli import BROKEN_PIPE, main
from runner.commands.common import duration_arg, size_arg, timeout_arg, unknown_job_message
from runner.definitions import load_from_files
from runner.state.location import directory_problem
from runner.timeperiods.timevalues import ValueSyntaxError, parse_time_value


def lint_text(text: str) -> list[tuple[int | None, int | None, str, str | None]]:
    """(line, column, message, hint) of every finding of one file `a.yaml`."""
    result = load_from_files({"a.yaml": text.encode()}, root=Path("/defs"), timezone="UTC")
    return [(d.line, d.column, d.message, d.hint) for d in result.diagnostics]


def test_a_tab_used_for_indentation_is_named_as_the_problem() -> None:
    """A tab indenting a key is reported at its line and column as a tab, with the fix."""
    text = "kind: Job\nname: x\ntype: command\ninterval: 1h\nsettings:\n\targv: [/bin/true]\n"
    [(line, column, message, hint)] = lint_text(text)
    assert (line, column) == (6, 1)
    assert message == "invalid YAML: a tab character where YAML expects spaces"
    assert hint == "indent with spaces; YAML does not allow tabs for indentation"


def test_other_yaml_errors_keep_the_parsers_words() -> None:
    """A YAML error that is not about a tab keeps the parser's description and hint."""
    [(line, _column, message, hint)] = lint_text("kind: Job\nname: [x\n")
    assert line == 2
    assert "tab" not in message
    assert hint is not None
    assert "unclosed quote or bracket" in hint


@pytest.mark.parametrize(
    ("value", "offset", "words", "hint"),
    [
        (
            "09:00-17:00,",
            12,
            "nothing follows the last `,`",
            "remove the trailing `,`: '09:00-17:00'",
        ),
        ("9-17", 0, "an hour needs its minutes", "write '09:00-17:00'"),
        ("08:00-12:00,13-17", 12, "an hour needs its minutes", "write '08:00-12:00,13:00-17:00'"),
        ("09:00-5pm", 6, "expected a time H:M or H:M:S here", "write e.g. 09:00 or 17:30:00"),
    ],
)
def test_range_typos_get_a_corrected_value(value: str, offset: int, words: str, hint: str) -> None:
    """A trailing comma or cron-style bare hours get a hint with the value written right."""
    with pytest.raises(ValueSyntaxError) as caught:
        parse_time_value(value)
    assert caught.value.offset == offset
    assert "expected a time" in caught.value.message
    assert words in caught.value.message
    assert caught.value.hint == hint


@pytest.mark.parametrize("text", ["0", "0s", "00"])
def test_a_zero_default_timeout_is_refused(text: str) -> None:
    """`--default-timeout 0` would kill every job at once: refused with the minimum."""
    with pytest.raises(argparse.ArgumentTypeError, match="at least 1s"):
        timeout_arg(text)


def test_a_default_timeout_of_one_second_or_more_is_read() -> None:
    """`--default-timeout 90s` is read as a duration."""
    assert timeout_arg("90s").total_seconds() == 90


@pytest.mark.parametrize("text", ["10X", "-5", "256 MB please", ""])
def test_a_bad_memory_limit_is_refused_at_parse_time(text: str) -> None:
    """`--memory-limit` is checked when parsed, so that `run` without --forever says so too."""
    with pytest.raises(argparse.ArgumentTypeError, match="is not a size"):
        size_arg(text)


def test_a_good_memory_limit_is_kept_as_written() -> None:
    """A valid size stays text, as the daemon's memory guard reads it."""
    assert size_arg("512M") == "512M"


def test_unknown_job_message_suggests_close_names_and_status() -> None:
    """An unknown job name gets the closest names and where to see every job."""
    message = unknown_job_message("imprt", ["import", "export", "backup"])
    assert message == (
        "jobrunner: unknown job 'imprt'; did you mean import? (`jobrunner status` lists the jobs)"
    )
    far = unknown_job_message("zzz", ["import"])
    assert far == "jobrunner: unknown job 'zzz' (`jobrunner status` lists the jobs)"


def test_a_state_path_that_is_a_directory_is_explained(tmp_path: Path) -> None:
    """A state file that names a directory gets a message naming a file in it instead."""
    message = directory_problem(tmp_path, "--state-file")
    assert message == (
        f"the state file {tmp_path} (from --state-file) is a directory; name a file in it, "
        f"e.g. --state-file {tmp_path / 'state.json'}"
    )
    assert directory_problem(tmp_path / "state.json", "--state-file") is None


class ClosedPipe:
    """A stdout whose reader has gone away."""

    def write(self, _text: str) -> int:
        """Fail as a closed pipe does."""
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        """Fail as a closed pipe does."""
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        """No descriptor to redirect."""
        raise OSError("no file descriptor")


def test_a_closed_stdout_ends_the_command_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`jobrunner schema | head` whose reader exits early returns 141 instead of raising."""
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["schema", "job"]) == BROKEN_PIPE


def test_a_duration_option_in_words_suggests_the_accepted_form() -> None:
    """`--slack "5 minutes"` is refused with the accepted forms and the guess '5m'."""
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        duration_arg("5 minutes")
    assert str(caught.value).endswith("(did you mean '5m'?)")
    assert "is not a duration; use integer seconds" in str(caught.value)
