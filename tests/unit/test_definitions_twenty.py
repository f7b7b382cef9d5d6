"""A tree with twenty different mistakes: every one reported at its file, line and column, in
all four formats (the exact output is pinned in tests/examples/invalid/twenty.expected/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runner import __version__
from runner.lint import LintReport, lint
from runner.reporters import FORMATS, reporter

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "examples" / "invalid" / "twenty"
EXPECTED = TREE.parent / "twenty.expected"
MISTAKE = re.compile(r"#\s*(\d+)\s")
"""A mistake's comment: `# 7 what is wrong`."""


@pytest.fixture(scope="module")
def report() -> LintReport:
    """Lint the tree once, with paths relative to the git top level for github/sarif."""
    return lint(TREE, timezone="UTC", with_git=True)


def marked_lines() -> tuple[set[int], set[tuple[str, int]]]:
    """The mistake numbers written in the tree's comments, and the (file, line) they mark."""
    numbers: set[int] = set()
    places: set[tuple[str, int]] = set()
    for path in sorted(TREE.rglob("*.yaml")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if match := MISTAKE.search(line):
                numbers.add(int(match.group(1)))
                places.add((path.relative_to(TREE).as_posix(), number))
    return numbers, places


def test_all_twenty_mistakes_are_reported_on_their_lines(report: LintReport) -> None:
    """Each numbered mistake has a diagnostic on its line and no diagnostic is elsewhere."""
    numbers, places = marked_lines()
    assert numbers == set(range(1, 21))
    found = {(d.file, d.line) for d in report.diagnostics}
    assert found == places
    assert len(report.diagnostics) == 21  # the duplicate name is reported at both places
    assert all(d.is_error for d in report.diagnostics)


def test_github_and_sarif_paths_start_at_the_git_top_level(report: LintReport) -> None:
    """The tree's prefix is its path inside the repository."""
    assert report.prefix == "tests/examples/invalid/twenty"


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_pinned_in_every_format(report: LintReport, fmt: str) -> None:
    """text, json, github and sarif output match the reviewed expected files byte for byte."""
    expected = (EXPECTED / f"{fmt}.out").read_text().replace("@VERSION@", __version__)
    assert reporter(fmt)(report) == expected
