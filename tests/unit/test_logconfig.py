"""Logging configuration: formats, the stdlib bridge and the secret mask."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from runner.logconfig import SECRETS, SecretMask, choose_format, configure_logging


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    """Leave structlog and the root logger as other tests expect them."""
    handlers = logging.getLogger().handlers[:]
    level = logging.getLogger().level
    yield
    structlog.reset_defaults()
    logging.getLogger().handlers[:] = handlers
    logging.getLogger().setLevel(level)


def test_json_lines_off_a_terminal() -> None:
    """auto picks JSON for a non-terminal stream; each event is one JSON line."""
    stream = io.StringIO()
    configure_logging(stream=stream)
    structlog.get_logger("t").info("job.finished", job="a", result="success")
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["event"] == "job.finished"
    assert record["job"] == "a"
    assert record["level"] == "info"
    assert record["timestamp"].endswith("Z")


def test_debug_is_dropped_unless_verbose() -> None:
    """Decisions logged at debug appear only with --verbose."""
    stream = io.StringIO()
    configure_logging(stream=stream, log_format="json")
    structlog.get_logger("t").debug("decision", job="a")
    assert stream.getvalue() == ""
    configure_logging(stream=stream, log_format="json", verbose=True)
    structlog.get_logger("t").debug("decision", job="a")
    assert json.loads(stream.getvalue())["event"] == "decision"


def test_library_warnings_use_the_same_renderer() -> None:
    """A stdlib warning (e.g. watchdog's queue overflow) comes out as a JSON line."""
    stream = io.StringIO()
    configure_logging(stream=stream, log_format="json")
    logging.getLogger("watchdog.observers").warning("Inotify queue overflowed")
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["event"] == "Inotify queue overflowed"
    assert record["level"] == "warning"


def test_secret_values_are_masked_everywhere() -> None:
    """A registered secret is replaced by *** in messages and nested values."""
    stream = io.StringIO()
    configure_logging(stream=stream, log_format="json")
    SECRETS.add(["hunter2-token"])
    structlog.get_logger("t").error("failed: hunter2-token rejected", args=["x", "hunter2-token"])
    line = stream.getvalue()
    assert "hunter2-token" not in line
    assert json.loads(line)["args"] == ["x", "***"]


def test_mask_ignores_empty_values_and_prefers_longest() -> None:
    """Empty values are never masks; overlapping secrets mask the longest first."""
    mask = SecretMask()
    mask.add(["", "abc", "abcdef"])
    assert mask.apply("xabcdefx abc") == "x***x ***"


def test_choose_format() -> None:
    """Explicit formats win; auto follows the terminal."""
    assert choose_format("json", io.StringIO()) == "json"
    assert choose_format("console", io.StringIO()) == "console"
    assert choose_format("auto", io.StringIO()) == "json"
