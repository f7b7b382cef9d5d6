"""Every YAML example in docs/ is checked, so the guides never drift from the format.

Each ```yaml block of a guide becomes one file of a definitions tree per guide (so a job in one
block may use a period from another) and the tree must lint without errors, with the built-in
types and the example `director` plugin installed, and without warnings either: examples are
copied into repositories whose CI runs `jobrunner lint --strict`. A block fenced as
```yaml fragment (a few keys out of context) must still be valid YAML.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).parents[2]
PLUGIN_SRC = REPO / "examples/plugins/jobrunner-icinga-director/src"
if str(PLUGIN_SRC) not in sys.path:
    sys.path.insert(0, str(PLUGIN_SRC))

from jobrunner_icinga_director import DirectorType  # noqa: E402

from runner.jobtypes import JobTypeRegistry  # noqa: E402
from runner.jobtypes.command import CommandType  # noqa: E402
from runner.lint import lint  # noqa: E402

GUIDES = sorted((REPO / "docs").glob("**/*.md"))
FENCE = re.compile(r"^```yaml( fragment)?[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(guide: Path) -> list[tuple[int, bool, str]]:
    """(line of the block's first YAML line, is a fragment, text) for each yaml block."""
    text = guide.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        found.append((line, match.group(1) is not None, match.group(2)))
    return found


def test_the_guides_have_examples() -> None:
    """The migration guides and the plugin guide exist and contain checked examples."""
    names = {guide.name for guide in GUIDES}
    expected = {
        "plugins.md",
        "migrating-from-director.md",
        "migrating-from-cron.md",
        "migrating-from-systemd-timers.md",
    }
    assert expected <= names
    for guide in GUIDES:
        if guide.name in expected:
            assert any(not fragment for _, fragment, _ in blocks(guide)), guide.name


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_yaml_examples_lint(guide: Path, tmp_path: Path) -> None:
    """The guide's yaml blocks load as one definitions tree without lint errors or warnings
    (as `lint --strict` wants them)."""
    where: dict[str, tuple[int, str]] = {}
    for number, (line, fragment, text) in enumerate(blocks(guide), start=1):
        if fragment:
            YAML(typ="safe", pure=True).load(text)
            continue
        name = f"block-{number:02d}.yaml"
        (tmp_path / name).write_text(text, encoding="utf-8")
        where[name] = (line, text)
    if not where:
        return
    registry = JobTypeRegistry([CommandType(), DirectorType()])
    report = lint(tmp_path, timezone="UTC", registry=registry)
    findings = [
        f"{guide.name}:{where[d.file][0] + (d.line or 1) - 1}: {d.code}: {d.message}"
        for d in report.diagnostics
        if d.file in where
    ]
    assert findings == []
    assert report.jobs + report.timeperiods > 0
