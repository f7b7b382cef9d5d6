"""The hint of `unknown-timeperiod` when the tree defines no time period at all."""

from __future__ import annotations

from pathlib import Path

from runner.definitions import load_from_files

JOB = (
    "kind: Job\nname: report\ntype: command\ninterval: 1h\ntimeperiod: office\n"
    "settings: {argv: [/bin/true]}\n"
)
PERIOD = "kind: TimePeriod\nname: {name}\ntimezone: UTC\nranges: {{monday: '09:00-17:00'}}\n"


def hint_of(files: dict[str, str]) -> str:
    """The hint of the single unknown-timeperiod finding of a tree."""
    data = {path: text.encode() for path, text in files.items()}
    result = load_from_files(data, root=Path("/defs"), timezone="UTC")
    [finding] = [d for d in result.diagnostics if d.code == "unknown-timeperiod"]
    assert finding.hint is not None
    return finding.hint


def test_no_periods_defined_says_so_and_how_to_add_one() -> None:
    """Without any TimePeriod the hint says none is defined and how to add one, no empty list."""
    hint = hint_of({"j.yaml": JOB})
    assert "use one of" not in hint
    assert hint.startswith("no time periods are defined in this tree")
    assert "`kind: TimePeriod` document named 'office'" in hint


def test_other_periods_are_still_listed() -> None:
    """With periods defined but none close, the hint still lists them."""
    hint = hint_of({"j.yaml": JOB, "p.yaml": PERIOD.format(name="weekend")})
    assert hint == "define it or use one of: weekend"
