"""What the docs say in prose that test_docs_links cannot check: crontab lines and the names of
README sections.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

CRON_LINE = re.compile(r"^(?:[\d*/,-]+[ \t]+){5}(\S*jobrunner)\b", re.MULTILINE)
"""A crontab line (five time fields) that starts jobrunner; the command as group 1."""


def cron_commands(text: str) -> list[str]:
    """The command of every crontab line that starts jobrunner, in blocks or inline code."""
    lines = [part for chunk in text.split("`") for part in chunk.splitlines()]
    return [m.group(1) for line in lines for m in [CRON_LINE.match(line.strip())] if m]


def test_cron_lines_name_jobrunner_by_its_full_path() -> None:
    """cron's PATH (/usr/bin:/bin) does not hold the virtual environment's bin directory, so a
    bare `jobrunner` in a crontab line is not found."""
    found = {
        str(page.relative_to(REPO)): cron_commands(page.read_text(encoding="utf-8"))
        for page in PAGES
    }
    assert found["README.md"], "the README's cron line is not recognised"
    bare = [f"{name}: {cmd}" for name, cmds in found.items() for cmd in cmds if cmd[0] != "/"]
    assert bare == []


PAGE = r"(?P<page>README|docs/[a-z0-9-]+)(?:\.md)?"
SECTION = r"(?P<section>[^\"\n]+)"
SECTION_REFERENCES = [
    re.compile(PAGE + r"(?:'s)?\s+\"" + SECTION + '"'),  # README "X", docs/plan.md "X"
    re.compile('"' + SECTION + r"\"\s+in\s+" + PAGE),  # "X" in README.md
    re.compile(r"\(" + PAGE + r":\s+(?P<section>[^)`\n]+)\)"),  # (README: X)
]
"""Prose that names a section of a page by its heading (links are checked by test_docs_links)."""

REFERRERS = [
    REPO / "README.md",
    REPO / "CHANGELOG.md",
    REPO / "pyproject.toml",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted(path for path in (REPO / "contrib").rglob("*") if path.is_file()),
    *sorted((REPO / "runner").rglob("*.py")),
    *sorted((REPO / "fuzz").glob("*.py")),
    *sorted((REPO / "bench").glob("*.py")),
]


def headings(page: Path) -> set[str]:
    """The headings of a Markdown page, without the `#`s and backticks (code blocks skipped)."""
    text = re.sub(
        r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL
    )
    return {
        m.group(1).replace("`", "").strip() for m in re.finditer(r"^#+ (.+)$", text, re.MULTILINE)
    }


def section_references(text: str) -> list[tuple[str, str]]:
    """(page, section) for each prose reference to a section by its heading."""
    return [
        (match["page"], " ".join(match["section"].split()))
        for pattern in SECTION_REFERENCES
        for match in pattern.finditer(text)
    ]


def test_section_references_name_existing_headings() -> None:
    """A pointer such as `README "Fuzzing and soak testing"` names a heading of that page: a
    section that moved to docs/ leaves such prose pointing nowhere."""
    stale = []
    for path in REFERRERS:
        for page, section in section_references(path.read_text(encoding="utf-8")):
            target = REPO / f"{page}.md"
            if section.replace("`", "") not in headings(target):
                stale.append(f"{path.relative_to(REPO)}: {page} {section!r}")
    assert stale == []
