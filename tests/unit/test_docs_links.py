"""Every relative link in README.md and docs/ resolves, so the documentation can be navigated.

A link `[text](path)` must name an existing file or directory (relative to the page), and a
link with `#anchor` (to the same page or to another markdown page) must name a heading of that
page, slugged the way GitHub does. Links inside fenced code blocks and inline code are not
links; absolute URLs are not checked (no network in tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose(text: str) -> str:
    """The page without fenced code blocks (their lines kept blank, so line numbers hold)."""
    return FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, blanks to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every anchor a page offers: its headings' slugs, numbered as GitHub numbers repeats."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for match in HEADING.finditer(prose(page.read_text(encoding="utf-8"))):
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[tuple[int, str]]:
    """(line, target) of every relative link of a page, outside code."""
    text = prose(page.read_text(encoding="utf-8"))
    text = INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(1))
        for match in LINK.finditer(text)
        if not EXTERNAL.match(match.group(1))
    ]


def broken(page: Path) -> list[str]:
    """A message for each link of `page` that points at nothing."""
    problems = []
    for line, target in links(page):
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / unquote(path_part)).resolve() if path_part else page
        where = f"{page.relative_to(REPO)}:{line}: {target}"
        if not dest.exists():
            problems.append(f"{where}: no such file")
        elif anchor and dest.suffix == ".md" and unquote(anchor).lower() not in anchors(dest):
            problems.append(f"{where}: no heading with anchor #{anchor} in {dest.name}")
    return problems


def test_slug_follows_github() -> None:
    """Headings with code, punctuation and symbols get GitHub's anchors."""
    heading = "Monitoring with Icinga: `jobrunner check`"
    assert slug(heading) == "monitoring-with-icinga-jobrunner-check"
    assert slug("Reviewing changes: jobrunner plan") == "reviewing-changes-jobrunner-plan"
    assert slug("Timeouts, stopping & exit codes") == "timeouts-stopping--exit-codes"
    assert slug("`run --forever` (the daemon)") == "run---forever-the-daemon"


def test_code_is_not_linked(tmp_path: Path) -> None:
    """A link-like text in a code block or inline code is not checked; a real one is."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n```\n[a](missing.md)\n```\n\n`[b](gone.md)` [c](#title) [d](nowhere.md)\n",
        encoding="utf-8",
    )
    assert links(page) == [(7, "#title"), (7, "nowhere.md")]


def test_the_pages_are_found() -> None:
    """The check covers the README and the docs pages."""
    names = {page.name for page in PAGES}
    assert {"README.md", "security.md", "plugins.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page: Path) -> None:
    """Every relative link of the page names an existing file and, with #anchor, a heading."""
    assert broken(page) == []


@pytest.mark.parametrize("index", ["README.md", "docs/README.md"])
def test_every_docs_page_is_linked_from_the_index(index: str) -> None:
    """The README and the docs index each link to every page under docs/."""
    page = REPO / index
    targets = {(page.parent / t.partition("#")[0]).resolve() for _, t in links(page)}
    pages = {p.resolve() for p in (REPO / "docs").glob("*.md")} - {page.resolve()}
    assert sorted(p.name for p in pages - targets) == []
