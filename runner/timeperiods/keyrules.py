"""The day-key rules of TIMEPERIODS.md §2 and §7 that a readable key can still break."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from runner.timeperiods.daykeys import DayKey
from runner.timeperiods.dayspec import (
    MONTHS,
    WEEKDAYS,
    IsoDate,
    MonthDate,
    MonthDay,
    NthWeekday,
    Spec,
    Weekday,
    cycle_index,
    cycle_of,
    resolve,
)
from runner.timeperiods.findings import RangeFinding

_SAMPLE_DAYS = [date(2024, 1, 1).toordinal() + 7 * i for i in range(4 * 53)]
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_STEP_HINT = (
    "for every other week use a date range with a step, e.g. `2026-01-05 - 2036-12-31 / 14` "
    "(every second Monday from 5 January 2026)"
)


def _warn(key: str, offset: int, code: str, message: str, hint: str | None) -> RangeFinding:
    return RangeFinding(key, "key", offset, "warning", code, message, hint)


def _error(key: str, offset: int, message: str, hint: str | None) -> RangeFinding:
    return RangeFinding(key, "key", offset, "error", "range-syntax", message, hint)


def key_findings(key: str, dk: DayKey) -> Iterator[RangeFinding]:
    """The §2 rules and deliberate differences for a readable key."""
    dash = key.find("- ") if dk.last is not None else -1
    slash = key.find("/")
    yield from _spec_findings(key, dk.first, 0, single=dk.last is None)
    if dk.last is None:
        yield from _single_step(key, dk, slash)
        return
    yield from _spec_findings(key, dk.last, dash + 2, single=False)
    yield from _range_findings(key, dk, dash)
    if dk.step > 1:
        yield _warn(
            key,
            slash,
            "icinga-compat",
            "`/ N` counts calendar days here; Icinga 2 counts elapsed seconds, so after a DST "
            "change its pattern shifts by one day",
            None,
        )


def _single_step(key: str, dk: DayKey, slash: int) -> Iterator[RangeFinding]:
    """`monday / 2` is an error; a step on any other single day does nothing."""
    if dk.step == 1 and slash < 0:
        return
    if isinstance(dk.first, Weekday):
        yield _error(
            key,
            slash,
            "a step needs a range of days; on a single weekday it is ignored "
            "or rejected by Icinga 2",
            _STEP_HINT,
        )
        return
    yield _warn(
        key,
        slash,
        "range-suspicious",
        "a step on a single day does nothing",
        "to repeat every N days, give a date range with a step, e.g. "
        "`2020-01-03 - 2030-12-31 / 21`",
    )


def _wraps(first: Spec, last: Spec) -> bool:
    """True if the end of a same-form range falls before its start in some cycle."""
    cycle = cycle_of(first)
    for day in _SAMPLE_DAYS:
        index = cycle_index(cycle, day)
        if resolve(last, index) < resolve(first, index):
            return True
    return False


def _range_findings(key: str, dk: DayKey, dash: int) -> Iterator[RangeFinding]:
    """Reversed date ranges, weekday ranges, wrapping and mixed forms, `monday 1 - 15`."""
    first, last = dk.first, dk.last
    assert last is not None
    same = cycle_of(first) == cycle_of(last)
    if isinstance(first, IsoDate) and isinstance(last, IsoDate):
        if last.ordinal < first.ordinal:
            yield _error(
                key,
                dash + 2,
                "the range ends before it starts, so it never matches",
                "swap the two dates",
            )
        return
    if isinstance(first, Weekday) and isinstance(last, Weekday):
        yield _warn(
            key,
            dash,
            "icinga-compat",
            f"{key!r} means {WEEKDAYS[first.weekday]} through "
            f"{WEEKDAYS[last.weekday]} here; Icinga 2 reads a weekday range as its first "
            "day only",
            "list the days one by one if Icinga 2 must read it the same",
        )
    elif same and _wraps(first, last):
        yield _warn(
            key,
            dash,
            "icinga-compat",
            "this range wraps into the next "
            f"{cycle_of(first)}; Icinga 2 never matches a range whose end is before its "
            "start",
            "split it in two entries if Icinga 2 must read it the same",
        )
    if not same:
        yield _warn(
            key,
            dash,
            "range-suspicious",
            "this range mixes forms (e.g. a month date and "
            "`day N`): both ends are taken relative to the day tested, as in Icinga 2, "
            "which is hard to read",
            "use the same form on both sides of the dash",
        )
    if dk.borrowed and isinstance(first, NthWeekday) and isinstance(last, NthWeekday):
        word = WEEKDAYS[first.weekday]
        yield _warn(
            key,
            dash + 2,
            "range-suspicious",
            f"the bare number borrows {word!r}: this "
            f"runs from {word} {first.n} to {word} {last.n} (counting {word}s from the start "
            "of the month), months ahead",
            f"for days of the month write `day {first.n} - {last.n}`; for weeks "
            f"`{word} 1 - {word} 3`",
        )


def _spec_findings(key: str, spec: Spec, at: int, *, single: bool) -> Iterator[RangeFinding]:
    """`monday 5`, `day 31`, `february 30`: days that some months or years lack."""
    if isinstance(spec, NthWeekday) and single and abs(spec.n) >= 5:
        word = WEEKDAYS[spec.weekday]
        what = "never matches" if abs(spec.n) > 5 else f"matches only in months with five {word}s"
        if spec.month is not None:
            month = MONTHS[spec.month - 1]
            when = "always" if abs(spec.n) > 5 else f"in years whose {month} has four {word}s"
            what = f"carries over into a neighbouring month (as in Icinga 2) {when}"
        yield _warn(
            key, at, "range-suspicious", f"{key!r} {what}", f"for the last {word} write `{word} -1`"
        )
    elif isinstance(spec, MonthDay) and not single and spec.n >= 29:
        yield _warn(key, at, "range-suspicious", f"in months shorter than {spec.n} days "
                    f"`day {spec.n}` carries over into the next month, and the range with it",
                    "to end on the last day of every month write `day -1`")  # fmt: skip
    elif isinstance(spec, MonthDay) and single and abs(spec.n) >= 29:
        what = (
            "never matches"
            if abs(spec.n) > 31
            else f"matches only in months with {abs(spec.n)} days"
        )
        yield _warn(
            key,
            at,
            "range-suspicious",
            f"`day {spec.n}` {what}",
            "for the last day of every month write `day -1`",
        )
    elif isinstance(spec, MonthDate):
        yield from _month_date_findings(key, spec, at)


def _month_date_findings(key: str, spec: MonthDate, at: int) -> Iterator[RangeFinding]:
    """`february 30` carries over into March; `february 29` does so in common years."""
    month = MONTHS[spec.month - 1]
    hint = f"for the last day of {month} write `{month} -1`"
    if spec.month == 2 and spec.n == 29:
        message = f"{month} {spec.n} exists only in leap years; in other years it is March 1"
        yield _warn(key, at, "range-suspicious", message, hint)
    elif spec.month == 2 and spec.n == -29:
        message = f"{month} {spec.n} is February 1 in leap years; in other years it is January 31"
        hint = "for the first day of february write `february 1`"
        yield _warn(key, at, "range-suspicious", message, hint)
    elif abs(spec.n) > _MONTH_DAYS[spec.month - 1]:
        message = (
            f"{month} has no day {spec.n}: it carries over into a neighbouring month (Icinga 2 too)"
        )
        yield _warn(key, at, "range-suspicious", message, hint)
