"""`.jobrunnerignore` follows gitignore syntax."""

from __future__ import annotations

import pytest

from runner.definitions.ignore import IgnoreRules

CASES = [
    ("drafts/", "drafts/a.yaml", True),
    ("drafts/", "x/drafts/a.yaml", True),
    ("drafts/", "drafts.yaml", False),
    ("/top.yaml", "top.yaml", True),
    ("/top.yaml", "sub/top.yaml", False),
    ("*.old.yaml", "a/b/c.old.yaml", True),
    ("jobs/*.yaml", "jobs/a.yaml", True),
    ("jobs/*.yaml", "jobs/sub/a.yaml", False),
    ("jobs/**/a.yaml", "jobs/x/y/a.yaml", True),
    ("jobs/**/a.yaml", "jobs/a.yaml", True),
    ("**/tmp", "a/tmp/b.yaml", True),
    ("logs/**", "logs/a/b.yaml", True),
    ("job?.yaml", "job1.yaml", True),
    ("job?.yaml", "job10.yaml", False),
    ("job[0-9].yaml", "job7.yaml", True),
    ("job[!0-9].yaml", "job7.yaml", False),
    ("\\#odd.yaml", "#odd.yaml", True),
    ("# comment", "# comment", False),
    ("", "a.yaml", False),
]


@pytest.mark.parametrize(("pattern", "path", "ignored"), CASES)
def test_single_patterns(pattern: str, path: str, ignored: bool) -> None:
    """Each gitignore construct matches as git documents it."""
    assert IgnoreRules(pattern).is_ignored(path) is ignored


def test_negation_re_includes_a_file() -> None:
    """A later `!pattern` re-includes what an earlier pattern ignored."""
    rules = IgnoreRules("*.yaml\n!keep.yaml\n")
    assert rules.is_ignored("drop.yaml")
    assert not rules.is_ignored("keep.yaml")


def test_negation_cannot_re_include_below_an_ignored_directory() -> None:
    """As in git, a file inside an ignored directory stays ignored."""
    rules = IgnoreRules("drafts/\n!drafts/keep.yaml\n")
    assert rules.is_ignored("drafts/keep.yaml")


def test_directory_only_pattern_does_not_match_a_file() -> None:
    """`name/` matches directories called name, not files."""
    rules = IgnoreRules("name/\n")
    assert not rules.is_ignored("name")
    assert rules.is_ignored("name", is_dir=True)
