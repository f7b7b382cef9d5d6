"""Durations as SPEC §4 defines them."""

from datetime import timedelta

import pytest

from runner.durations import format_duration, parse_duration, parse_size
from runner.errors import DurationError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (90, 90),
        ("90", 90),
        ("90s", 90),
        ("15m", 900),
        ("1h30m", 5400),
        ("1d", 86400),
        ("1w", 604800),
        ("1w2d3h4m5s", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        (60.0, 60),  # YAML floats without a fraction: integers for JSON Schema
        (1e3, 1000),
    ],
)
def test_accepted_forms(text: object, seconds: int) -> None:
    """Every documented form reads as the elapsed seconds it names."""
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text", ["", "m", "15", "1m1h", "1.5h", "5 m", "-5", True, None, 1.5, -60.0, "1h1h"]
)
def test_rejected_forms(text: object) -> None:
    """Anything else is a DurationError that shows the accepted forms (bare "15" is seconds)."""
    if text == "15":
        assert parse_duration(text) == timedelta(seconds=15)
        return
    with pytest.raises(DurationError, match="1h30m"):
        parse_duration(text)


def test_format_round_trips() -> None:
    """format_duration writes what parse_duration reads back."""
    for seconds in [0, 1, 59, 60, 61, 3600, 5400, 86400, 90061, 604800 + 1]:
        delta = timedelta(seconds=seconds)
        assert parse_duration(format_duration(delta)) == delta


def test_parse_size() -> None:
    """Sizes take binary suffixes."""
    assert parse_size("256M") == 256 << 20
    assert parse_size("1G") == 1 << 30
    assert parse_size("512k") == 512 << 10
    assert parse_size("100") == 100
    with pytest.raises(ValueError, match="256M"):
        parse_size("lots")
