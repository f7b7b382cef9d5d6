"""Which days each row of the TIMEPERIODS.md §2 table matches, evaluated through TimePeriod."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runner.timeperiods import TimePeriod

BERLIN = ZoneInfo("Europe/Berlin")


def active_days(key: str, first: date, last: date, zone: str = "Europe/Berlin") -> list[date]:
    """The days in [first, last] on which `key: 12:00-13:00` is active at 12:30 local time."""
    period = TimePeriod({key: "12:00-13:00"}, zone)
    tz = ZoneInfo(zone)
    out = []
    day = first
    while day <= last:
        if period.is_active(datetime(day.year, day.month, day.day, 12, 30, tzinfo=tz)):
            out.append(day)
        day += timedelta(days=1)
    return out


def d(text: str) -> date:
    """A date from ISO text."""
    return date.fromisoformat(text)


def dates(*texts: str) -> list[date]:
    """Dates from ISO texts."""
    return [d(t) for t in texts]


@pytest.mark.parametrize(
    ("key", "first", "last", "expected"),
    [
        ("monday", "2026-11-01", "2026-11-30", ["2026-11-02", "2026-11-09", "2026-11-16",
                                                "2026-11-23", "2026-11-30"]),
        ("day 15", "2026-01-01", "2026-03-31", ["2026-01-15", "2026-02-15", "2026-03-15"]),
        ("day -1", "2024-02-01", "2024-03-31", ["2024-02-29", "2024-03-31"]),
        ("day -1", "2026-02-01", "2026-03-31", ["2026-02-28", "2026-03-31"]),
        ("day -3", "2026-02-01", "2026-02-28", ["2026-02-26"]),
        ("day -3", "2024-02-01", "2024-02-29", ["2024-02-27"]),
        ("february 10", "2025-01-01", "2026-12-31", ["2025-02-10", "2026-02-10"]),
        ("may -1", "2026-01-01", "2026-12-31", ["2026-05-31"]),
        ("monday 3", "2026-01-01", "2026-02-28", ["2026-01-19", "2026-02-16"]),
        ("thursday -1", "2026-01-01", "2026-02-28", ["2026-01-29", "2026-02-26"]),
        ("monday 2 may", "2026-01-01", "2027-12-31", ["2026-05-11", "2027-05-10"]),
        ("tuesday -1 november", "2026-01-01", "2026-12-31", ["2026-11-24"]),
        ("2026-12-24", "2026-01-01", "2027-12-31", ["2026-12-24"]),
        ("monday 5", "2026-01-01", "2026-04-30", ["2026-03-30"]),
        ("day 31", "2026-01-01", "2026-04-30", ["2026-01-31", "2026-03-31"]),
        ("february 30", "2026-02-01", "2026-03-31", ["2026-03-02"]),
        ("february 30", "2024-02-01", "2024-03-31", ["2024-03-01"]),
        ("february 29", "2026-02-01", "2026-03-31", ["2026-03-01"]),
        ("february 29", "2024-02-01", "2024-03-31", ["2024-02-29"]),
        ("2026-01-30 - 2026-02-02", "2026-01-01", "2026-02-28",
         ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]),
        ("day 27 - 31", "2026-02-01", "2026-03-05",
         ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03"]),
        ("day 1 - 3", "2026-01-01", "2026-02-28",
         ["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-01", "2026-02-02", "2026-02-03"]),
        ("monday 1 - tuesday 1", "2026-06-01", "2026-06-30", ["2026-06-01", "2026-06-02"]),
        ("day 1 - 15 / 7", "2026-06-01", "2026-06-30", ["2026-06-01", "2026-06-08", "2026-06-15"]),
        ("2026-03-01 - 2026-04-30 / 14", "2026-03-01", "2026-04-30",
         ["2026-03-01", "2026-03-15", "2026-03-29", "2026-04-12", "2026-04-26"]),
        ("day 25 - 5", "2026-02-01", "2026-03-10",
         ["2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-25",
          "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03",
          "2026-03-04", "2026-03-05"]),
        ("friday - monday", "2026-11-23", "2026-11-29", ["2026-11-23", "2026-11-27", "2026-11-28",
                                                         "2026-11-29"]),
        ("monday - friday", "2026-11-23", "2026-11-29",
         ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]),
        ("sunday - monday", "2026-11-22", "2026-11-30", ["2026-11-22", "2026-11-23", "2026-11-29",
                                                         "2026-11-30"]),
    ],
)  # fmt: skip
def test_day_key_rows_match_the_documented_days(
    key: str, first: str, last: str, expected: list[str]
) -> None:
    """Each day-key form matches exactly the days TIMEPERIODS.md §2 says, incl. leap years."""
    assert active_days(key, d(first), d(last)) == dates(*expected)


def test_wrapping_month_range_covers_the_new_year() -> None:
    """`november 1 - february 28` covers Nov 1 through Feb 28 across the year end."""
    matched = active_days("november 1 - february 28", d("2026-10-30"), d("2027-03-02"))
    assert matched[0] == d("2026-11-01")
    assert matched[-1] == d("2027-02-28")
    assert len(matched) == (d("2027-02-28") - d("2026-11-01")).days + 1


def test_month_date_range_july_to_august() -> None:
    """`july 10 - august 15` covers July 10 through August 15 of each year."""
    matched = active_days("july 10 - august 15", d("2026-07-01"), d("2026-08-31"))
    assert (matched[0], matched[-1], len(matched)) == (d("2026-07-10"), d("2026-08-15"), 37)


def test_nth_weekday_range_within_a_month() -> None:
    """`monday 1 - thursday 4` runs from the 1st Monday to the 4th Thursday of every month."""
    matched = active_days("monday 1 - thursday 4", d("2026-06-01"), d("2026-06-30"))
    assert (matched[0], matched[-1]) == (d("2026-06-01"), d("2026-06-25"))


def test_yearly_nth_weekday_to_month_date() -> None:
    """`monday 2 february - november 8` runs from Feb 9 2026 to Nov 8 2026."""
    matched = active_days("monday 2 february - november 8", d("2026-02-01"), d("2026-11-30"))
    assert (matched[0], matched[-1]) == (d("2026-02-09"), d("2026-11-08"))


def test_borrowed_number_keys_equal_their_full_forms() -> None:
    """`day 1 - 15` = `day 1 - day 15` and `january 1 - 15` = `january 1 - january 15`."""
    span = (d("2026-01-01"), d("2026-03-31"))
    assert active_days("day 1 - 15", *span) == active_days("day 1 - day 15", *span)
    assert active_days("january 1 - 15", *span) == active_days("january 1 - january 15", *span)
    assert len(active_days("january 1 - 15", *span)) == 15


def test_monday_1_minus_15_runs_months_ahead() -> None:
    """`monday 1 - 15` runs from each month's 1st Monday 15 Mondays on, so occurrences overlap."""
    period = TimePeriod({"monday 1 - 15": "12:00-13:00"}, "UTC")
    assert period.is_active(datetime(2026, 4, 13, 12, 30, tzinfo=ZoneInfo("UTC")))
    matched = active_days("monday 1 - 15", d("2026-01-01"), d("2026-04-30"))
    assert len(matched) == 120


def test_mixed_forms_are_read_relative_to_the_day_tested() -> None:
    """`february 10 - day 5` is read as Icinga 2 does: Feb 10 of the year to day 5 of the month."""
    matched = active_days("february 10 - day 5", d("2026-01-01"), d("2026-04-30"))
    assert matched == dates(*(f"2026-{m:02}-0{n}" for m in (3, 4) for n in range(1, 6)))


def test_steps_count_calendar_days_across_dst_in_los_angeles() -> None:
    """`/ 7` across the US spring-forward change still matches the same weekday."""
    matched = active_days(
        "2021-03-01 - 2021-03-31 / 7", d("2021-03-01"), d("2021-03-31"), "America/Los_Angeles"
    )
    assert matched == dates("2021-03-01", "2021-03-08", "2021-03-15", "2021-03-22", "2021-03-29")


@pytest.mark.parametrize("year", [1970, 2000, 2038, 2099, 2100])
def test_any_year_from_1970_to_2100(year: int) -> None:
    """Keys resolve in any year from 1970 to 2100 (beyond 2037 zoneinfo uses its TZ rule)."""
    matched = active_days("thursday -1 november", date(year, 11, 1), date(year, 11, 30))
    assert len(matched) == 1
    assert matched[0].weekday() == 3
    assert matched[0].day > 23


def test_steps_across_both_berlin_changes_keep_calendar_days() -> None:
    """`/ 2` over the March and October changes in Berlin matches every other calendar day."""
    spring = active_days("2021-03-26 - 2021-04-05 / 2", d("2021-03-25"), d("2021-04-06"))
    assert spring == dates(*(f"2021-03-{n}" for n in (26, 28, 30)), "2021-04-01", "2021-04-03",
                           "2021-04-05")  # fmt: skip
    autumn = active_days("2021-10-29 - 2021-11-04 / 2", d("2021-10-28"), d("2021-11-05"))
    assert autumn == dates("2021-10-29", "2021-10-31", "2021-11-02", "2021-11-04")
    period = TimePeriod({"2021-10-30 - 2021-11-01 / 2": "00:00-24:00"}, "Europe/Berlin")
    segments = period.segments(
        datetime(2021, 10, 30, tzinfo=BERLIN), datetime(2021, 11, 2, tzinfo=BERLIN)
    )
    assert [(s.isoformat(), e.isoformat()) for s, e in segments] == [
        ("2021-10-30T00:00:00+02:00", "2021-10-31T00:00:00+02:00"),
        ("2021-11-01T00:00:00+01:00", "2021-11-02T00:00:00+01:00"),
    ]
