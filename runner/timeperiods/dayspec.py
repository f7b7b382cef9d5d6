"""Day keys as values, and which calendar days they match (TIMEPERIODS.md §2).

Days are proleptic Gregorian ordinals (`date.toordinal()`), so day arithmetic is integer
arithmetic. Every periodic spec resolves to one day per *cycle* (a week, a month or a year);
overflowing numbers normalize into the next cycle as in Icinga 2 (`february 30` is in March).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

Cycle = Literal["week", "month", "year", "absolute"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


@dataclass(frozen=True, slots=True)
class Weekday:
    """`monday`: every such weekday (0 = Monday)."""

    weekday: int


@dataclass(frozen=True, slots=True)
class MonthDay:
    """`day 15`, `day -1`: the n-th (from the end if negative) day of every month."""

    n: int


@dataclass(frozen=True, slots=True)
class MonthDate:
    """`february 10`, `may -1`: a day of one month (1-12), every year."""

    month: int
    n: int


@dataclass(frozen=True, slots=True)
class NthWeekday:
    """`monday 3`, `thursday -1`, `monday 2 may`: n-th weekday of every month or of one month."""

    weekday: int
    n: int
    month: int | None = None


@dataclass(frozen=True, slots=True)
class IsoDate:
    """`2026-12-24`: that date only."""

    ordinal: int


Spec = Weekday | MonthDay | MonthDate | NthWeekday | IsoDate


def cycle_of(spec: Spec) -> Cycle:
    """The cycle in which `spec` names one day."""
    if isinstance(spec, Weekday):
        return "week"
    if isinstance(spec, MonthDay) or (isinstance(spec, NthWeekday) and spec.month is None):
        return "month"
    if isinstance(spec, IsoDate):
        return "absolute"
    return "year"


def cycle_index(cycle: Cycle, day: int) -> int:
    """The index of the cycle containing `day` (weeks start on Monday)."""
    if cycle == "week":
        return (day - 1) // 7
    if cycle == "absolute":
        return 0
    d = date.fromordinal(day)
    return d.year * 12 + d.month - 1 if cycle == "month" else d.year


def _month_of(spec: Spec, cycle: int) -> tuple[int, int]:
    """(year, month) of `spec` in cycle `cycle` (a month or a year index)."""
    if isinstance(spec, MonthDay) or (isinstance(spec, NthWeekday) and spec.month is None):
        year, month0 = divmod(cycle, 12)
        return year, month0 + 1
    assert isinstance(spec, (MonthDate, NthWeekday))
    assert spec.month is not None
    return cycle, spec.month


def _nth_in_month(year: int, month: int, n: int) -> int:
    """Ordinal of the n-th day of the month; negative counts from the last day."""
    if n > 0:
        return date(year, month, 1).toordinal() + n - 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last).toordinal() + n + 1


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> int:
    """Ordinal of the n-th `weekday` of the month, counted on past its end when n is large."""
    if n > 0:
        first = date(year, month, 1).toordinal()
        return first + (weekday - date.fromordinal(first).weekday()) % 7 + 7 * (n - 1)
    last = _nth_in_month(year, month, -1)
    return last - (date.fromordinal(last).weekday() - weekday) % 7 + 7 * (n + 1)


def resolve(spec: Spec, cycle: int) -> int:
    """The day `spec` names in cycle `cycle` (an index from `cycle_index`)."""
    if isinstance(spec, Weekday):
        return 7 * cycle + 1 + spec.weekday
    if isinstance(spec, IsoDate):
        return spec.ordinal
    year, month = _month_of(spec, cycle)
    if isinstance(spec, NthWeekday):
        return _nth_weekday(year, month, spec.weekday, spec.n)
    return _nth_in_month(year, month, spec.n)


def resolve_near(spec: Spec, day: int) -> int:
    """The day `spec` names in the cycle that contains `day` (Icinga 2's reading)."""
    return resolve(spec, cycle_index(cycle_of(spec), day))


def reach_days(spec: Spec) -> int:
    """How far (in days) `spec` can land from the start of its cycle, for look-back bounds."""
    if isinstance(spec, NthWeekday):
        return 7 * abs(spec.n) + 31
    if isinstance(spec, (MonthDay, MonthDate)):
        return abs(spec.n) + 31
    return 7
