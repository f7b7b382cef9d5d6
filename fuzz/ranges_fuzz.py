"""atheris target: the Icinga 2 range parser gives findings or `RangeSyntaxError`, nothing else.

    python fuzz/ranges_fuzz.py -max_total_time=60

Lint (`check_entry`) never raises; `TimePeriod` raises `RangeSyntaxError` exactly when lint
reports an error; a period that builds answers `is_active` and `next_change`.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import atheris

with atheris.instrument_imports():
    from runner.timeperiods import RangeSyntaxError, TimePeriod
    from runner.timeperiods.lint import check_entry

AT = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_one_input(data: bytes) -> None:
    """Split the input into a day key and a time value and check both readers agree."""
    provider = atheris.FuzzedDataProvider(data)
    key = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 64))
    value = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
    has_error = any(finding.is_error for finding in check_entry(key, value))
    try:
        period = TimePeriod({key: value}, "Europe/Berlin")
    except RangeSyntaxError:
        if not has_error:
            raise
        return
    if has_error:
        raise AssertionError(f"lint reports an error that TimePeriod accepts: {key!r}: {value!r}")
    period.is_active(AT)
    period.next_change(AT)


def main() -> None:
    """Run libFuzzer with a one-second limit per input unless the command line says otherwise."""
    atheris.Setup([sys.argv[0], "-timeout=1", *sys.argv[1:]], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
