"""Day keys and time values: every accepted form of TIMEPERIODS.md §2/§3 and every rejection."""

from __future__ import annotations

from datetime import date

import pytest

from runner.timeperiods import RangeFinding, RangeSyntaxError, check_ranges
from runner.timeperiods.daykeys import DayKey, KeySyntaxError, parse_day_key
from runner.timeperiods.dayspec import IsoDate, MonthDate, MonthDay, NthWeekday, Weekday
from runner.timeperiods.timevalues import ValueSyntaxError, parse_time_value


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("monday", DayKey(Weekday(0))),
        ("sunday", DayKey(Weekday(6))),
        ("day 15", DayKey(MonthDay(15))),
        ("day -1", DayKey(MonthDay(-1))),
        ("day -3", DayKey(MonthDay(-3))),
        ("february 10", DayKey(MonthDate(2, 10))),
        ("may -1", DayKey(MonthDate(5, -1))),
        ("monday 3", DayKey(NthWeekday(0, 3))),
        ("thursday -1", DayKey(NthWeekday(3, -1))),
        ("monday 2 may", DayKey(NthWeekday(0, 2, 5))),
        ("tuesday -1 november", DayKey(NthWeekday(1, -1, 11))),
        ("2026-12-24", DayKey(IsoDate(date(2026, 12, 24).toordinal()))),
        ("day 1 - 15", DayKey(MonthDay(1), MonthDay(15), borrowed=True)),
        ("day 1 - day 15", DayKey(MonthDay(1), MonthDay(15))),
        ("july 10 - august 15", DayKey(MonthDate(7, 10), MonthDate(8, 15))),
        ("january 1 - 15", DayKey(MonthDate(1, 1), MonthDate(1, 15), borrowed=True)),
        ("monday 1 - thursday 4", DayKey(NthWeekday(0, 1), NthWeekday(3, 4))),
        (
            "2026-01-01 - 2026-02-01",
            DayKey(IsoDate(date(2026, 1, 1).toordinal()), IsoDate(date(2026, 2, 1).toordinal())),
        ),
        ("monday 2 february - november 8", DayKey(NthWeekday(0, 2, 2), MonthDate(11, 8))),
        ("monday - friday", DayKey(Weekday(0), Weekday(4))),
        ("day 1 - 15 / 2", DayKey(MonthDay(1), MonthDay(15), 2, borrowed=True)),
        ("day 1 - 15/2", DayKey(MonthDay(1), MonthDay(15), 2, borrowed=True)),
        ("day 1- 15", DayKey(MonthDay(1), MonthDay(15), borrowed=True)),
        ("  monday   3  ", DayKey(NthWeekday(0, 3))),
    ],
)
def test_day_keys_of_the_table_are_read(key: str, expected: DayKey) -> None:
    """Every day-key form of TIMEPERIODS.md §2 parses to the spec it names."""
    assert parse_day_key(key) == expected


@pytest.mark.parametrize(
    ("key", "offset", "words"),
    [
        ("day 0", 4, "0 is not a day number"),
        ("monday 0", 7, "0 is not a day number"),
        ("Monday", 0, "lowercase"),
        ("mon", 0, "unknown name"),
        ("day 1 -15", 6, "space after it"),
        ("day 1 -x", 6, "space after it"),
        ("2026-02-30", 0, "not a calendar date"),
        ("2026-1-5", 0, "zero-padded"),
        ("2026-01-01 - 15", 13, "named day"),
        ("january", 7, "needs a day number"),
        ("day", 3, "expected a number"),
        ("15 monday", 0, "cannot start a day"),
        ("monday 2 friday", 9, "month name"),
        ("day 1 - 15 / 0", 13, "after `/`"),
        ("monday extra", 7, "unexpected"),
        ("monday!", 6, "unexpected character"),
        ("", 0, "empty day key"),
    ],
)
def test_bad_day_keys_point_at_the_token(key: str, offset: int, words: str) -> None:
    """A malformed day key is rejected at the offending token's offset with a readable message."""
    with pytest.raises(KeySyntaxError) as caught:
        parse_day_key(key)
    assert caught.value.offset == offset
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:00-17:00", [(32400, 61200)]),
        ("9:0-17:0", [(32400, 61200)]),
        ("00:00-24:00", [(0, 86400)]),
        ("22:00-06:00", [(79200, 86400 + 21600)]),
        ("00:00-00:00", [(0, 86400)]),
        ("10:00-10:00", [(36000, 36000 + 86400)]),
        ("24:00-24:00", [(86400, 2 * 86400)]),
        ("25:00-26:00", [(90000, 93600)]),
        ("08:00:30-09:15:45", [(28830, 33345)]),
        ("00:00-06:10,08:20-24:00", [(0, 22200), (30000, 86400)]),
    ],
)
def test_time_values_become_second_ranges(value: str, expected: list[tuple[int, int]]) -> None:
    """Time values of §3, including 24:00, cross-midnight, equal ends and overflow, in seconds."""
    assert [(r.start, r.end) for r in parse_time_value(value)] == expected


@pytest.mark.parametrize(
    ("value", "offset", "words"),
    [
        ("00:00-06:10;08:20-24:00", 11, "cannot separate"),
        ("00:00-06:10 08:20-24:00", 11, "cannot separate"),
        ("09:00 - 17:00", 5, "no blanks"),
        ("09:00-12:00, 13:00-17:00", 12, "no blanks around `,`"),
        ("9-17", 0, "expected a time"),
        ("09:00-", 6, "expected a time"),
        ("09:00", 5, "expected `-`"),
        ("09:00-17:00,", 12, "expected a time"),
        ("09:00-17:00x", 11, "unexpected"),
        ("", 0, "empty time value"),
    ],
)
def test_bad_time_values_point_at_the_character(value: str, offset: int, words: str) -> None:
    """A malformed time value is rejected at the offending character with a message."""
    with pytest.raises(ValueSyntaxError) as caught:
        parse_time_value(value)
    assert caught.value.offset == offset
    assert words in caught.value.message


def test_separator_mistake_hint_shows_the_comma_form() -> None:
    """`;` between ranges (a §7 mistake) gets a hint with the `,` separated value."""
    [finding] = check_ranges({"monday": "00:00-06:10;08:20-24:00"})
    assert finding.hint is not None
    assert "'00:00-06:10,08:20-24:00'" in finding.hint


def test_blank_after_comma_hint_does_not_double_the_comma() -> None:
    """A blank after `,` is rejected with a hint that shows a single `,` between ranges."""
    [finding] = check_ranges({"monday": "09:00-12:00, 13:00-17:00"})
    assert finding.hint is not None
    assert "'09:00-12:00,13:00-17:00'" in finding.hint


def test_range_syntax_error_message_names_value_points_and_lists_forms() -> None:
    """RangeSyntaxError is a ValueError naming the value, with a caret and the accepted forms."""
    [finding] = check_ranges({"day 0": "09:00-17:00"})
    error = RangeSyntaxError(finding, "day 0", "business")
    assert isinstance(error, ValueError)
    lines = str(error).splitlines()
    assert lines[0].startswith("time period 'business': day key 'day 0', column 5:")
    assert lines[1:3] == ["    day 0", "        ^"]
    assert "accepted forms: monday" in lines[-1]


def test_check_ranges_never_raises_on_non_strings() -> None:
    """A value that is not a string is an error finding, not an exception."""
    findings = check_ranges({"monday": 9})  # type: ignore[dict-item]
    assert [(f.part, f.code, f.severity) for f in findings] == [("value", "range-syntax", "error")]


def test_a_key_that_is_not_a_string_raises_range_syntax_error() -> None:
    """SPEC §6: a malformed key raises RangeSyntaxError when the period is built (an int key
    raised TypeError out of the tokenizer)."""
    from runner.timeperiods import TimePeriod

    with pytest.raises(RangeSyntaxError, match="the day key must be a string, not int"):
        TimePeriod({5: "09:00-17:00"}, "UTC", name="p")  # type: ignore[dict-item]


def test_clean_entries_have_no_findings() -> None:
    """Ordinary entries produce no findings at all."""
    ranges = {"monday": "09:00-17:00", "day -1": "00:00-24:00", "2026-12-24": "22:00-06:00"}
    assert check_ranges(ranges) == []


def test_findings_are_frozen_values() -> None:
    """RangeFinding is an immutable value with an `is_error` shortcut."""
    finding = RangeFinding("monday", "key", 0, "error", "range-syntax", "m", None)
    assert finding.is_error
    with pytest.raises(AttributeError):
        finding.offset = 3  # type: ignore[misc]
