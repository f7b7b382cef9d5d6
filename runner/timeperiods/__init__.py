"""Icinga 2 time periods: the range language, evaluated per calendar day in the period's zone.

The semantics are those of TIMEPERIODS.md; the API is SPEC §6. `check_ranges` gives the loader
and `jobrunner lint` every finding about a `ranges` mapping as values.
"""

from __future__ import annotations

from runner.timeperiods.findings import RangeFinding, RangeSyntaxError
from runner.timeperiods.lint import check_ranges
from runner.timeperiods.period import HORIZON, TimePeriod

__all__ = ["HORIZON", "RangeFinding", "RangeSyntaxError", "TimePeriod", "check_ranges"]
