"""`jobrunner period NAME`: state, next change, calendar and JSON, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.cli import main

PERIODS = """\
kind: TimePeriod
name: business
timezone: Europe/Berlin
ranges:
  monday: "09:00-17:00"
  tuesday: "09:00-17:00"
  wednesday: "09:00-17:00"
  thursday: "09:00-17:00"
  friday: "09:00-17:00"
excludes: [holidays]
---
kind: TimePeriod
name: holidays
timezone: Europe/Berlin
ranges:
  "2026-12-24": "00:00-24:00"
---
kind: TimePeriod
name: nights
timezone: Europe/Berlin
ranges:
  saturday: "22:00-06:00"
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A definitions directory with three periods."""
    root = tmp_path / "jobs.d"
    root.mkdir()
    (root / "periods.yaml").write_text(PERIODS)
    return root


def run(tree: Path, *args: str) -> int:
    """Run `jobrunner --jobs-dir TREE period ...`."""
    return main(["--jobs-dir", str(tree), "period", *args])


def test_text_says_state_next_change_and_draws_days(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text format names the state, the next change and draws one row per day."""
    assert run(tree, "business", "--at", "2026-12-23T10:00", "--days", "3") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "period business (zone Europe/Berlin, from timeperiod)"
    assert out[1] == "at 2026-12-23 10:00:00 CET: active"
    assert out[2] == "next change: 2026-12-23 17:00:00 CET (in 7h 0m), then inactive"
    rows = [line for line in out if "│" in line]
    assert [row[:14] for row in rows] == ["Wed 2026-12-23", "Thu 2026-12-24", "Fri 2026-12-25"]
    assert rows[0].endswith("│ 09:00-17:00")
    assert rows[1].endswith("│ -")
    assert out[-1].startswith("█ active")


def test_dst_day_is_marked(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spring-forward day in the calendar is marked with its length."""
    assert run(tree, "nights", "--at", "2026-03-28T12:00+01:00", "--days", "2") == 0
    out = capsys.readouterr().out
    assert "Sun 2026-03-29 │" in out
    assert "DST: 23 h day" in out
    assert "next change: 2026-03-28 22:00:00 CET (in 10h 0m), then active" in out


def test_time_to_the_next_change_is_real_time_across_a_dst_change(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From Saturday 23:00 CET to Sunday 06:00 CEST, across spring-forward, is 6 hours, not 7
    (subtracting datetimes of one zone counts wall-clock time)."""
    assert run(tree, "nights", "--at", "2026-03-28T23:00", "--days", "1") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "at 2026-03-28 23:00:00 CET: active"
    assert out[2] == "next change: 2026-03-29 06:00:00 CEST (in 6h 0m), then inactive"


def test_at_in_the_spring_forward_gap_is_shown_as_the_time_it_means(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """02:30 does not exist on 29 March 2026 in Berlin: it is read with the offset before the
    jump (TIMEPERIODS.md §4), which is 03:30 CEST, and said so."""
    assert run(tree, "nights", "--at", "2026-03-29T02:30", "--days", "1") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "at 2026-03-29 03:30:00 CEST: active"
    assert out[2] == "next change: 2026-03-29 06:00:00 CEST (in 2h 30m), then inactive"
    assert run(tree, "nights", "--at", "2026-03-29T02:30", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["at"] == "2026-03-29T03:30:00+02:00"


def test_json_prints_segments(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--format json` prints state, next change and the segments of the drawn days."""
    assert run(tree, "business", "--at", "2026-12-23T18:00", "--days", "7", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["active"] is False
    assert data["next_change"] == "2026-12-25T09:00:00+01:00"
    assert data["segments"][0] == {
        "begin": "2026-12-23T09:00:00+01:00",
        "end": "2026-12-23T17:00:00+01:00",
    }
    assert len(data["segments"]) == 4


def test_unknown_period_is_a_usage_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown name exits 2 and lists the known periods."""
    assert run(tree, "nope") == 2
    err = capsys.readouterr().err
    assert "no time period named 'nope'" in err
    assert "business, holidays, nights" in err


def test_bad_at_is_a_usage_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed --at exits 2 with the accepted form."""
    assert run(tree, "business", "--at", "tomorrow") == 2
    assert "ISO 8601" in capsys.readouterr().err


def test_bad_days_is_rejected(tree: Path) -> None:
    """--days outside 1..366 is an argparse error (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        run(tree, "business", "--days", "0")
    assert caught.value.code == 2


def test_invalid_definitions_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With errors in the tree the command prints them and exits 2."""
    root = tmp_path / "jobs.d"
    root.mkdir()
    (root / "p.yaml").write_text(
        'kind: TimePeriod\nname: bad\ntimezone: UTC\nranges:\n  "day 0": "09:00-17:00"\n'
    )
    assert run(root, "bad") == 2
    assert "p.yaml:5" in capsys.readouterr().err
