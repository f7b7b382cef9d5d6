"""Acceptance cases (check-jsonschema's pattern): every file in tests/examples/valid loads
without findings; every file in tests/examples/invalid gives exactly the diagnostics its
`# expect: LINE:COL CODE` comments list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runner.definitions import load_from_files

CASES = Path(__file__).resolve().parents[1] / "examples"
VALID = sorted((CASES / "valid").glob("*.yaml"))
INVALID = sorted((CASES / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) ([a-z-]+)$", re.MULTILINE)


def findings(path: Path) -> list[str]:
    """`LINE:COL CODE` of every diagnostic of `path` loaded as a one-file tree."""
    result = load_from_files({path.name: path.read_bytes()}, root=path.parent, timezone="UTC")
    return [f"{d.line}:{d.column} {d.code}" for d in result.diagnostics]


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_case_has_no_findings(path: Path) -> None:
    """A valid case loads without errors or warnings."""
    assert findings(path) == []


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_has_exactly_the_expected_findings(path: Path) -> None:
    """An invalid case reports what its `# expect:` lines say, in order."""
    expected = [f"{m[0]}:{m[1]} {m[2]}" for m in EXPECT.findall(path.read_text())]
    assert expected, f"{path.name} has no `# expect:` lines"
    assert findings(path) == expected


def test_there_are_cases() -> None:
    """Both directories hold cases."""
    assert len(VALID) >= 4
    assert len(INVALID) >= 7
