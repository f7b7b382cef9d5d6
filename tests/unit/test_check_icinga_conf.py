"""contrib/icinga2/jobrunner-check.conf stays in step with `jobrunner check`'s options."""

from __future__ import annotations

import re
from pathlib import Path

from runner.cli import build_parser

CONF = Path(__file__).resolve().parents[2] / "contrib" / "icinga2" / "jobrunner-check.conf"


def check_options() -> set[str]:
    """Every option string `jobrunner check` accepts (its own and the global ones)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    check = sub.choices["check"]  # type: ignore[index]
    return {flag for action in check._actions for flag in action.option_strings}


def test_every_mapped_argument_is_a_check_option() -> None:
    """Each `"--x" = { value = "$jobrunner_x$" }` names a real option and its custom var."""
    text = CONF.read_text()
    mapped = re.findall(r'"(--[a-z-]+)" = \{\s*value = "\$(jobrunner_[a-z_]+)\$"', text)
    assert len(mapped) == 10
    options = check_options()
    for flag, var in mapped:
        assert flag in options, flag
        assert var == "jobrunner_" + flag.removeprefix("--").replace("-", "_")


def test_every_check_option_is_mapped() -> None:
    """No option of `check` (besides help, logging and permissions) lacks a custom var."""
    mapped = set(re.findall(r'"(--[a-z-]+)" = \{', CONF.read_text()))
    left_out = {"-h", "--help", "--log-format", "-v", "--verbose", "--allow-insecure-permissions"}
    assert check_options() - left_out == mapped
    assert 'object CheckCommand "jobrunner"' in CONF.read_text()
    assert 'apply Service "jobrunner-" for (job_name => config in' in CONF.read_text()
