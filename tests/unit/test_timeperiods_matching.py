"""The fast day predicates agree with the generic cycle arithmetic they shortcut."""

from __future__ import annotations

from datetime import date

import pytest

from runner.timeperiods.daykeys import DayKey
from runner.timeperiods.dayspec import MonthDate, MonthDay, NthWeekday, Spec, resolve_near
from runner.timeperiods.matching import predicate

DAYS = range(date(2023, 12, 1).toordinal(), date(2025, 3, 1).toordinal())


def agrees(spec: Spec) -> bool:
    """True if the compiled predicate equals `resolve_near(spec, day) == day` on DAYS."""
    fast = predicate(DayKey(spec))
    return all(fast(day) == (resolve_near(spec, day) == day) for day in DAYS)


@pytest.mark.parametrize("month", [None, 2, 5, 12])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_nth_weekday_shortcut(n: int, month: int | None) -> None:
    """`monday 3`, `friday 5 may` and friends match the same days both ways."""
    assert all(agrees(NthWeekday(weekday, n, month)) for weekday in range(7))


@pytest.mark.parametrize("month", [1, 2, 4, 12])
def test_month_date_shortcut(month: int) -> None:
    """`february 10`-style keys match the same days both ways, incl. a leap February."""
    assert all(agrees(MonthDate(month, n)) for n in (1, 10, 28))


@pytest.mark.parametrize(
    ("first", "last", "step"), [(1, 15, 1), (1, 28, 3), (10, 10, 1), (5, 20, 7)]
)
def test_day_of_month_range_shortcut(first: int, last: int, step: int) -> None:
    """`day 1 - 15 / N` inside the month matches the same days as the cycle arithmetic."""
    from runner.timeperiods.matching import _cyclic_starts

    key = DayKey(MonthDay(first), MonthDay(last), step)
    fast = predicate(key)
    starts = _cyclic_starts(key.first, MonthDay(last))
    for day in DAYS:
        slow = any((day - b) % step == 0 for b in starts(key.first, MonthDay(last), day))
        assert fast(day) == slow


@pytest.mark.parametrize("first", [1, 5, 25, 28, -1, -3, -28])
def test_day_of_month_ranges_with_negative_or_wrapping_ends(first: int) -> None:
    """`day 1 - -1`, `day 25 - 5`, `day -3 - 2` match the same days as the cycle arithmetic."""
    from runner.timeperiods.matching import _cyclic_starts

    for last in (1, 5, 15, 28, -1, -2, -28):
        key = DayKey(MonthDay(first), MonthDay(last))
        fast = predicate(key)
        starts = _cyclic_starts(key.first, MonthDay(last))
        for day in DAYS:
            assert fast(day) == any(True for _ in starts(key.first, MonthDay(last), day))
