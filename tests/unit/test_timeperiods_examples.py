"""The Icinga 2 documentation example periods in examples/jobs.d/periods mean what they say."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ruamel.yaml import YAML

from runner.timeperiods import TimePeriod, check_ranges

PERIODS = Path(__file__).parents[2] / "examples" / "jobs.d" / "periods"
BERLIN = ZoneInfo("Europe/Berlin")


def documents() -> dict[str, dict[str, Any]]:
    """Every TimePeriod document of the examples, by name."""
    yaml = YAML(typ="safe")
    docs = [d for f in sorted(PERIODS.glob("*.yaml")) for d in yaml.load_all(f.read_text())]
    return {d["name"]: d for d in docs if d["kind"] == "TimePeriod"}


def build(name: str, docs: dict[str, dict[str, Any]]) -> TimePeriod:
    """The period `name` with its includes and excludes resolved by name."""
    doc = docs[name]
    return TimePeriod(
        doc["ranges"],
        doc["timezone"],
        includes=[build(n, docs) for n in doc.get("includes", [])],
        excludes=[build(n, docs) for n in doc.get("excludes", [])],
        prefer_includes=doc.get("prefer_includes", True),
        name=name,
    )


def at(*args: int) -> datetime:
    """A Berlin wall-clock time."""
    return datetime(*args, tzinfo=BERLIN)


def test_examples_are_lint_clean() -> None:
    """Every example period's ranges produce no findings."""
    docs = documents()
    assert {"24x7", "9to5", "holidays", "weekends", "backup-windows"} <= set(docs)
    for doc in docs.values():
        assert check_ranges(doc["ranges"]) == [], doc["name"]


@pytest.mark.parametrize(
    ("name", "when", "expected"),
    [
        ("24x7", at(2026, 3, 29, 2, 30), True),
        ("9to5", at(2026, 12, 23, 10), True),
        ("9to5", at(2026, 12, 24, 10), False),
        ("9to5", at(2026, 11, 26, 10), False),
        ("9to5", at(2026, 11, 27, 17), False),
        ("holidays", at(2026, 5, 25, 12), True),
        ("holidays", at(2026, 9, 7, 12), True),
        ("holidays", at(2026, 12, 31, 11), False),
        ("weekends", at(2026, 11, 29, 23, 59), True),
        ("weekends", at(2026, 11, 30, 0, 0), False),
        ("backup-windows", at(2026, 11, 25, 3), True),
        ("backup-windows", at(2026, 11, 30, 19), True),
        ("backup-windows", at(2026, 12, 25, 3), False),
        ("backup-windows", at(2027, 1, 7, 3), True),
    ],
)
def test_example_periods_mean_what_they_say(name: str, when: datetime, expected: bool) -> None:
    """Holidays (Thanksgiving, Memorial Day, Labor Day), nights and the freeze fall right."""
    assert build(name, documents()).is_active(when) is expected
