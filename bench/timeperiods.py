"""Cost of TimePeriod.is_active and next_change, against one `datetime.astimezone` call.

Run: .venv/bin/python bench/timeperiods.py [--rounds N]

Queries are spread over four weeks (caches warm after the first pass, as in the daemon, which
asks about the same weeks again and again). Each figure is the best of several rounds.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from runner.timeperiods import TimePeriod

WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HOLIDAY_KEYS = (
    "january 1", "january 6", "may 1", "october 3", "october 31", "november 1", "december 24",
    "december 25", "december 26", "december 31", "monday -1 may", "monday 1 september",
    "thursday 4 november", "monday 3 january", "monday 3 february", "monday 2 october",
    "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-25", "2026-06-04", "2027-03-26",
    "2027-03-29", "2027-05-06", "2027-05-17", "2027-05-27", "2028-04-14", "2028-04-17",
    "2028-05-25", "2028-06-05",
)  # fmt: skip
HOLIDAYS = dict.fromkeys(HOLIDAY_KEYS, "00:00-24:00")


def periods() -> dict[str, TimePeriod]:
    """The benchmarked periods."""
    full = TimePeriod(dict.fromkeys(WEEK, "00:00-24:00"), "Europe/Berlin", name="24x7")
    holidays = TimePeriod(HOLIDAYS, "Europe/Berlin", name="holidays")
    assert len(HOLIDAYS) == 30
    business = TimePeriod(
        {"monday - friday": "09:00-17:00"}, "Europe/Berlin", excludes=[holidays], name="business"
    )
    never = TimePeriod({}, "Europe/Berlin", name="never")
    composed = TimePeriod(
        {}, "Europe/Berlin", includes=[full], excludes=[full], prefer_includes=False, name="none"
    )
    return {"24x7": full, "business-hours - 30 holidays": business, "never (empty)": never,
            "never (24x7 - 24x7)": composed}  # fmt: skip


def per_call(fn: Callable[[datetime], object], instants: list[datetime], rounds: int) -> float:
    """Best per-call cost in microseconds of `fn` over `instants`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for at in instants:
            fn(at)
        best = min(best, (time.perf_counter() - start) / len(instants))
    return best * 1e6


def main() -> None:
    """Print one line per period and operation: µs per call and ratio to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    base = datetime(2026, 11, 2, tzinfo=UTC)
    instants = [base + timedelta(minutes=37 * i) for i in range(28 * 24 * 60 // 37)]
    berlin = ZoneInfo("Europe/Berlin")
    baseline = per_call(lambda at: at.astimezone(berlin), instants, args.rounds)
    print(f"baseline: datetime.astimezone = {baseline:.3f} µs per call")
    print(f"{'period':32} {'operation':12} {'µs/call':>10} {'x baseline':>11}")
    for name, period in periods().items():
        for op, fn in (("is_active", period.is_active), ("next_change", period.next_change)):
            per_call(fn, instants, 1)  # warm the caches
            cost = per_call(fn, instants, args.rounds)
            print(f"{name:32} {op:12} {cost:10.2f} {cost / baseline:11.1f}")
    print_cold(base, baseline)


def print_cold(base: datetime, baseline: float) -> None:
    """next_change on freshly built periods (empty caches), incl. a never-active scan."""
    work = {"monday - friday": "09:00-17:00"}
    wider = {"monday - friday": "08:00-18:00"}
    cases = {
        "business-hours - 30 holidays": lambda: periods()["business-hours - 30 holidays"],
        "never (A - copy of A)": lambda: TimePeriod(
            {}, "Europe/Berlin", includes=[TimePeriod(work, "Europe/Berlin")],
            excludes=[TimePeriod(work, "Europe/Berlin")], prefer_includes=False,
        ),
        "never (A - wider B, 5y scan)": lambda: TimePeriod(
            {}, "Europe/Berlin", includes=[TimePeriod(work, "Europe/Berlin")],
            excludes=[TimePeriod(wider, "Europe/Berlin")], prefer_includes=False,
        ),
        "always (day 1 - -1, day scan)": lambda: TimePeriod(
            {"day 1 - -1": "00:00-24:00"}, "Europe/Berlin"
        ),
    }  # fmt: skip
    for name, build in cases.items():
        best = float("inf")
        for _ in range(3):
            period = build()
            start = time.perf_counter()
            period.next_change(base)
            best = min(best, time.perf_counter() - start)
        cost = best * 1e6
        print(f"{name:32} {'next (cold)':12} {cost:10.2f} {cost / baseline:11.1f}")


if __name__ == "__main__":
    main()
