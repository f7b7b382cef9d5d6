"""check_ranges: every §2 rule, deliberate difference, §3 overflow and §7 mistake as a finding."""

from __future__ import annotations

import pytest

from runner.timeperiods import check_ranges


def _one(key: str, value: str = "09:00-17:00") -> tuple[str, str, int, str, str]:
    """The single finding for one entry, as (part, severity, offset, code, message)."""
    [f] = check_ranges({key: value})
    return f.part, f.severity, f.offset, f.code, f.message


@pytest.mark.parametrize(
    ("key", "offset", "words"),
    [
        ("monday - friday", 7, "monday through friday"),
        ("friday - monday", 7, "friday through monday"),
        ("november 1 - february 28", 11, "wraps into the next year"),
        ("day 25 - 5", 7, "wraps into the next month"),
        ("thursday -1 - monday 1", 12, "wraps into the next month"),
    ],
)
def test_deliberate_differences_are_icinga_compat_warnings(
    key: str, offset: int, words: str
) -> None:
    """Weekday ranges and wrapping ranges warn that Icinga 2 reads them differently."""
    part, severity, at, code, message = _one(key)
    assert (part, severity, at, code) == ("key", "warning", offset, "icinga-compat")
    assert words in message


def test_step_on_a_range_warns_about_dst() -> None:
    """A `/ N` step on a range is an icinga-compat warning (Icinga 2 counts seconds)."""
    part, severity, at, code, message = _one("day 1 - 28 / 2")
    assert (part, severity, at, code) == ("key", "warning", 11, "icinga-compat")
    assert "DST" in message


@pytest.mark.parametrize(
    ("key", "offset", "words"),
    [
        ("monday 5", 0, "five mondays"),
        ("friday -5", 0, "five fridays"),
        ("monday 6", 0, "never matches"),
        ("monday 5 may", 0, "has four mondays"),
        ("monday 6 may", 0, "neighbouring month (as in Icinga 2) always"),
        ("day 31", 0, "months with 31 days"),
        ("day -30", 0, "months with 30 days"),
        ("day 40", 0, "never matches"),
        ("february 30", 0, "carries over"),
        ("april 31", 0, "carries over"),
        ("february 29", 0, "leap years"),
        ("february -29", 0, "in other years it is January 31"),  # was silent
        ("february 10 - day 5", 12, "mixes forms"),
        ("2020-01-03 / 21", 11, "does nothing"),
        ("day 15 / 2", 7, "does nothing"),
        ("day 20 - 31", 9, "carries over into the next month"),
    ],
)
def test_suspicious_keys_warn(key: str, offset: int, words: str) -> None:
    """Keys that some months lack, mixed-form ranges and steps on single days warn."""
    part, severity, at, code, message = _one(key)
    assert (part, severity, at, code) == ("key", "warning", offset, "range-suspicious")
    assert words in message


def test_monday_1_minus_15_warns_and_suggests_alternatives() -> None:
    """`monday 1 - 15` warns that the number borrows `monday` and suggests clearer keys."""
    [finding] = check_ranges({"monday 1 - 15": "09:00-17:00"})
    assert finding.code == "range-suspicious"
    assert finding.offset == 11
    assert finding.hint is not None
    assert "monday 1 - monday 3" in finding.hint
    assert "day 1 - 15" in finding.hint


@pytest.mark.parametrize(
    ("key", "offset", "words"),
    [
        ("monday / 2", 7, "single weekday"),
        ("2014-01-11 - 2014-01-06", 13, "never matches"),
        ("day 0", 4, "0 is not a day number"),
        ("monday 0", 7, "0 is not a day number"),
        ("day 1 -15", 6, "space after it"),
    ],
)
def test_errors_on_keys(key: str, offset: int, words: str) -> None:
    """n = 0, a step on a weekday, reversed date ranges and `-15` are range-syntax errors."""
    part, severity, at, code, message = _one(key)
    assert (part, severity, at, code) == ("key", "error", offset, "range-syntax")
    assert words in message


def test_weekday_step_hint_shows_a_date_range_with_14() -> None:
    """The hint for `monday / 2` shows a date range with `/ 14`."""
    [finding] = check_ranges({"monday / 2": "09:00-17:00"})
    assert finding.hint is not None
    assert "/ 14" in finding.hint


def test_dash_without_space_hint_shows_spaced_form() -> None:
    """`day 1 -15` is rejected with a hint showing `day 1 - 15`."""
    [finding] = check_ranges({"day 1 -15": "09:00-17:00"})
    assert finding.hint == "write 'day 1 - 15'"
    [finding] = check_ranges({"2026-12-24-2026-12-26": "09:00-17:00"})
    assert finding.hint == "write '2026-12-24 - 2026-12-26'"


@pytest.mark.parametrize(
    ("value", "offset", "words"),
    [
        ("00:00-00:00", 0, "full 24 hours"),
        ("10:00-10:00", 0, "full 24 hours"),
        ("08:00-12:00,13:00-13:00", 12, "full 24 hours"),
        ("00:00-23:59", 6, "uncovered"),
        ("00:00:00-23:59:59", 9, "uncovered"),
        ("25:00-26:00", 0, "beyond its usual limit"),
        ("10:75-11:00", 3, "beyond its usual limit"),
        ("10:00:61-11:00", 6, "beyond its usual limit"),
        ("10:00-24:01", 6, "beyond its usual limit"),
    ],
)
def test_suspicious_values_warn(value: str, offset: int, words: str) -> None:
    """Equal ends, `23:59` as end of day and overflowing fields are warnings on the value."""
    part, severity, at, code, message = _one("monday", value)
    assert (part, severity, at, code) == ("value", "warning", offset, "range-suspicious")
    assert words in message


def test_equal_ends_hint_says_how_to_express_never() -> None:
    """The `00:00-00:00` warning tells the user to leave the day out for `never`."""
    [finding] = check_ranges({"monday": "00:00-00:00"})
    assert finding.hint is not None
    assert "leave the day out" in finding.hint


def test_2359_hint_suggests_2400() -> None:
    """The `00:00-23:59` warning suggests ending with 24:00."""
    [finding] = check_ranges({"monday": "00:00-23:59"})
    assert finding.hint is not None
    assert "00:00-24:00" in finding.hint


def test_findings_cover_all_entries_in_order() -> None:
    """Findings of several entries come back together, key before value, in entry order."""
    findings = check_ranges({"day 0": "9-17", "monday": "09:00-17:00", "monday 5": "00:00-00:00"})
    assert [(f.key, f.part) for f in findings] == [
        ("day 0", "key"),
        ("day 0", "value"),
        ("monday 5", "key"),
        ("monday 5", "value"),
    ]


def test_plain_ranges_of_the_table_do_not_warn() -> None:
    """Same-form ranges that do not wrap, and n-th weekday ranges, produce no findings."""
    ranges = {
        "day 1 - 15": "09:00-17:00",
        "july 10 - august 15": "09:00-17:00",
        "monday 1 - thursday 4": "09:00-17:00",
        "2026-01-01 - 2026-02-01": "09:00-17:00",
        "monday 2 february - november 8": "09:00-17:00",
        "monday 2 may": "09:00-17:00",
    }
    assert check_ranges(ranges) == []
