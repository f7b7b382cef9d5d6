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
