"""Which calendar days a parsed day key matches (TIMEPERIODS.md §2), as a fast predicate.

Ranges whose ends have the same form are occurrences per cycle: the range starting in cycle c
runs from `first` in c to `last` in c, or in c + 1 when it wraps. A day matches if some
occurrence covers it and, with `/ N`, lies a multiple of N calendar days after the
occurrence's first day. Ranges mixing forms are read as Icinga 2 does: both ends in the cycle
of the day tested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from runner.timeperiods.daykeys import DayKey
from runner.timeperiods.dayspec import (
    IsoDate,
    MonthDate,
    MonthDay,
    NthWeekday,
    Spec,
    Weekday,
    cycle_index,
    cycle_of,
    reach_days,
    resolve,
    resolve_near,
)

DayPredicate = Callable[[int], bool]
_CYCLE_DAYS = {"week": 7, "month": 28, "year": 365}


def day_bounds(key: DayKey) -> tuple[int | None, int | None]:
    """The first and last day the key can match (None: unbounded on that side)."""
    first = key.first.ordinal if isinstance(key.first, IsoDate) else None
    end_spec = key.first if key.last is None else key.last
    last = end_spec.ordinal if isinstance(end_spec, IsoDate) else None
    return first, last


def predicate(key: DayKey) -> DayPredicate:
    """A function telling whether `key` matches a day (a proleptic Gregorian ordinal)."""
    first, last = key.first, key.last
    if last is None:
        return _single(first)
    if isinstance(first, Weekday) and isinstance(last, Weekday) and key.step == 1:
        days = {(first.weekday + i) % 7 for i in range((last.weekday - first.weekday) % 7 + 1)}
        return lambda day: (day - 1) % 7 in days
    step = key.step
    if isinstance(first, MonthDay) and isinstance(last, MonthDay) and 1 <= first.n <= last.n <= 28:
        lo_n, hi_n = first.n, last.n  # inside every month: no wrap, no carry-over
        return lambda day: lo_n <= (n := _month_day(day)[1]) <= hi_n and (n - lo_n) % step == 0
    if isinstance(first, MonthDay) and isinstance(last, MonthDay) and _inside(first, last, step):
        return _month_day_range(first.n, last.n)
    if isinstance(first, IsoDate) and isinstance(last, IsoDate):
        lo, hi = first.ordinal, last.ordinal
        return lambda day: lo <= day <= hi and (day - lo) % step == 0
    starts = _cyclic_starts(first, last) if cycle_of(first) == cycle_of(last) else _mixed_starts
    return lambda day: any((day - b) % step == 0 for b in starts(first, last, day))


def _single(spec: Spec) -> DayPredicate:
    """A single day: the day `spec` names in the day's own cycle."""
    if isinstance(spec, Weekday):
        weekday = spec.weekday
        return lambda day: (day - 1) % 7 == weekday
    if isinstance(spec, IsoDate):
        ordinal = spec.ordinal
        return lambda day: day == ordinal
    if isinstance(spec, MonthDate) and 1 <= spec.n <= 28:
        month, n = spec.month, spec.n
        return lambda day: _month_day(day) == (month, n)
    # A 5th weekday of a named month carries over into the next month (as `february 30`).
    if isinstance(spec, NthWeekday) and 1 <= spec.n <= (5 if spec.month is None else 4):
        return _nth_weekday(spec)
    return lambda day: resolve_near(spec, day) == day


def _month_day(day: int) -> tuple[int, int]:
    """(month, day of month) of an ordinal."""
    d = date.fromordinal(day)
    return d.month, d.day


def _inside(first: MonthDay, last: MonthDay, step: int) -> bool:
    """True for a stepless range whose ends lie inside every month (1..28 or -28..-1)."""
    return step == 1 and 1 <= abs(first.n) <= 28 and 1 <= abs(last.n) <= 28


def _month_day_range(first: int, last: int) -> DayPredicate:
    """`day 1 - -1`, `day 25 - 5`, `day -3 - -1` (ends inside every month), wrapping.

    The occurrence of month m runs from its `first` day to its `last` day, or to the `last`
    day of month m + 1 when that comes before the `first` day in m.
    """

    def nth(n: int, length: int) -> int:
        return n if n > 0 else length + 1 + n

    def matches(day: int) -> bool:
        d = date.fromordinal(day)
        length = _month_length(d.year, d.month)
        begin, end = nth(first, length), nth(last, length)
        if begin <= d.day and (d.day <= end or end < begin):
            return True  # this month's occurrence (wrapping ones run on into the next month)
        previous = date.fromordinal(day - d.day).day  # the length of the month before
        return d.day <= end and nth(last, previous) < nth(first, previous)

    return matches


def _month_length(year: int, month: int) -> int:
    """Days in a month."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _nth_weekday(spec: NthWeekday) -> DayPredicate:
    """`monday 3`, `monday 2 may` without date arithmetic: weekday and week of the month."""
    weekday, week, month = spec.weekday, spec.n - 1, spec.month

    def matches(day: int) -> bool:
        if (day - 1) % 7 != weekday:
            return False
        d = date.fromordinal(day)
        return (d.day - 1) // 7 == week and (month is None or d.month == month)

    return matches


StartFinder = Callable[[Spec, Spec, int], Iterator[int]]


def _mixed_starts(first: Spec, last: Spec, day: int) -> Iterator[int]:
    """Icinga 2's reading: both ends relative to the day tested, no wrapping."""
    begin, end = resolve_near(first, day), resolve_near(last, day)
    if begin <= day <= end:
        yield begin


def _cyclic_starts(first: Spec, last: Spec) -> StartFinder:
    """First days of the occurrences (one per cycle, wrapping) that cover a day."""
    cycle = cycle_of(first)
    lookback = 1 + (reach_days(first) + reach_days(last)) // _CYCLE_DAYS[cycle]

    def starts(first: Spec, last: Spec, day: int) -> Iterator[int]:
        here = cycle_index(cycle, day)
        for index in range(here - lookback, here + 2):
            begin, end = resolve(first, index), resolve(last, index)
            if end < begin:
                end = resolve(last, index + 1)
            if begin <= day <= end:
                yield begin

    return starts
