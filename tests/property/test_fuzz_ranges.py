"""Fuzzing the Icinga 2 range parser: any key and value give findings or `RangeSyntaxError`.

`check_entry` (lint) never raises; `TimePeriod` raises `RangeSyntaxError` exactly when
`check_entry` reports an error, and a period that builds answers `is_active` and
`next_change` without raising. Every example finishes within a second.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.timeperiods import RangeFinding, RangeSyntaxError, TimePeriod, check_ranges
from runner.timeperiods.lint import check_entry

LONG_RUN = int(os.environ.get("JOBRUNNER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 60,
    deadline=timedelta(seconds=1),
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ARABIC_NOON = "\u0661\u0662:\u0660\u0660"
"""12:00 in Arabic-Indic digits."""
AT = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Berlin springs forward
WORDS = (
    "monday", "tuesday", "sunday", "day", "january", "february", "march", "june", "december",
    "Monday", "mon", "days", "2026-12-24", "2026-02-29", "2024-02-29", "0001-01-01",
    "9999-12-31", "2026-1-5", "1", "-1", "5", "29", "31", "32", "0", "-0", "+3", "366",
    "9" * 25, "-" + "9" * 25, "1" * 5000, "-", "/", " / ", " - ", "  ", "\t", "\u00a0", "\u0661",
    "é", "#", ",", ":",
)  # fmt: skip
VALUE_PARTS = (
    "00:00", "09:00", "24:00", "23:59:59", "25:00", "10:75", "9:5", "1:2:3", "-", ",", ";",
    " ", "99", ":", "00:00:60", ARABIC_NOON, "12:00-13:00", "22:00-06:00", "9" * 30,
)  # fmt: skip

keys = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(WORDS), max_size=9).map(" ".join),
)
values = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(VALUE_PARTS), max_size=9).map("".join),
    st.lists(st.sampled_from(VALUE_PARTS), max_size=5).map(",".join),
)


def assert_consistent(key: str, value: str) -> None:
    """Lint and the period constructor agree, and a built period can be queried."""
    findings = check_entry(key, value)
    assert all(isinstance(f, RangeFinding) for f in findings)
    has_error = any(f.is_error for f in findings)
    for finding in findings:
        limit = len(key) if finding.part == "key" else len(value)
        assert 0 <= finding.offset <= limit, finding
    if has_error:
        with pytest.raises(RangeSyntaxError, match=r"(?s)day key|time value"):
            TimePeriod({key: value}, "Europe/Berlin")
        return
    period = TimePeriod({key: value}, "Europe/Berlin")
    period.is_active(AT)
    change = period.next_change(AT)
    assert change is None or change > AT
    period.segments(AT, AT + timedelta(days=3))


@FUZZ
@given(keys, values)
def test_any_key_and_value_give_findings_or_range_syntax_error(key: str, value: str) -> None:
    """Random and grammar-shaped entries never raise anything but RangeSyntaxError."""
    assert_consistent(key, value)


@FUZZ
@given(st.dictionaries(keys, values, max_size=6))
def test_check_ranges_never_raises(ranges: dict[str, str]) -> None:
    """`check_ranges` over a whole mapping returns findings for any input."""
    assert isinstance(check_ranges(ranges), list)


@FUZZ
@given(keys, st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.text(max_size=3))))
def test_non_string_values_are_findings(key: str, value: object) -> None:
    """A value that is not a string (YAML `09:00` unquoted, a list) is an error finding."""
    assert any(f.is_error and f.part == "value" for f in check_entry(key, value))


ADVERSARIAL = {
    "many range parts": ("day 1 - 31 / 1", ",".join(["00:00-00:01"] * 20_000)),
    "many key parts": (" - ".join(["monday"] * 5000), "00:00-01:00"),
    "huge day number": ("day " + "9" * 5000, "00:00-01:00"),
    "huge step": ("day 1 / " + "9" * 5000, "00:00-01:00"),
    "long step": ("day 1 - 31 / " + "9" * 100, "00:00-01:00"),
    "huge negative day in a range": ("day -" + "9" * 30 + " - 5", "00:00-01:00"),
    "largest negative day in a range": ("day -366 - 366", "00:00-01:00"),
    "largest nth weekday in a month": ("monday -53 may - friday 53 june", "10:00-11:00"),
    "largest step": ("day 1 - 31 / 9999999", "00:00-01:00"),
    "widest nth weekday range": ("monday 53 - friday -53", "10:00-11:00"),
    "huge nth weekday": ("monday " + "9" * 30, "00:00-01:00"),
    "huge nth weekday in a month": ("monday -" + "9" * 30 + " may", "00:00-01:00"),
    "date range over the whole calendar": ("0001-01-01 - 9999-12-31 / 1", "00:00-01:00"),
    "date range with a huge step": ("0001-01-01 - 9999-12-31 / 3652058", "00:00-01:00"),
    "last day of the calendar": ("9999-12-31", "00:00-24:00"),
    "huge hour": ("monday", "9" * 5000 + ":00-01:00"),
    "many commas": ("monday", "00:00-01:00," * 10_000),
    "Arabic-Indic digits": ("day \u0661", ARABIC_NOON + "-13:00"),
    "NUL": ("\x00", "\x00"),
    "every day in steps of 1": ("monday 1 - sunday -1 / 1", "00:00-24:00"),
}


@pytest.mark.parametrize(("key", "value"), ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_adversarial_entry_within_a_second(key: str, value: str) -> None:
    """Known-nasty entries (huge numbers, thousands of parts) are answered within a second of
    CPU time (CPU, not wall-clock: a loaded machine must not fail it, a blow-up still does)."""
    start = time.process_time()
    assert_consistent(key, value)
    seconds = time.process_time() - start
    assert seconds < 1.0, f"{seconds:.2f}s"


def test_non_ascii_digits_are_not_numbers() -> None:
    """Non-ASCII digits are refused in keys and values: Icinga 2 reads ASCII digits only."""
    findings = check_entry("day \u0661", ARABIC_NOON + "-13:00")
    assert {f.part for f in findings if f.is_error} == {"key", "value"}
