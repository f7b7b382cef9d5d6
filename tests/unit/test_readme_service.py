"""The README's "Running as a service" install agrees with the shipped units and the CLI.

The units' `Documentation=` and install comment point at that README section, and the
environment file the install writes must let an operator's shell (root, or a member of the
service's group) find the state the service writes, as the README promises.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from runner.state.location import ENV_FILE, resolve_state_path
from tests.unit.test_docs_links import anchors

REPO = Path(__file__).parents[2]
README = REPO / "README.md"
UNIT = REPO / "contrib" / "systemd" / "jobrunner.service"


def install_block() -> str:
    """The shell block of the README's service section, continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Running as a service\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return block.replace("\\\n", " ")


def test_units_point_at_the_readme_service_section() -> None:
    """Each unit's Documentation= anchor is a heading of the README."""
    for unit in sorted((REPO / "contrib" / "systemd").glob("*.service")):
        url = re.search(r"^Documentation=\S+#(\S+)$", unit.read_text(), re.MULTILINE)
        assert url is not None, unit
        assert url.group(1) in anchors(README), f"{unit.name}: #{url.group(1)}"


def test_readme_env_file_lets_operators_find_the_service_state(tmp_path: Path) -> None:
    """The env file the README writes names the unit's state for root and for other users
    (a member of the group; `sudo -u jobrunner`), not only root's default location."""
    writer = next(line for line in install_block().splitlines() if str(ENV_FILE) in line)
    env_file = tmp_path / "jobrunner.env"
    command = writer.split("&&", 1)[1].replace(str(ENV_FILE), str(env_file))
    subprocess.run(["bash", "-c", command], check=True)
    env_file.chmod(0o644)
    state_dir = re.search(r"^StateDirectory=(\S+)$", UNIT.read_text(), re.MULTILINE)
    assert state_dir is not None
    service_state = Path("/var/lib") / state_dir.group(1) / "state.json"
    for euid in (0, 4242):
        found, _origin = resolve_state_path(None, {}, env_file=env_file, euid=euid)
        assert found == service_state, f"euid {euid}: {found}"


def test_the_install_is_written_down_once() -> None:
    """No page of docs/ keeps its own copy of the install (it drifted from the README's: no
    JOBRUNNER_STATE_FILE, no /var/lib/jobrunner): they link to the README section instead."""
    copies = [
        page.name
        for page in sorted((REPO / "docs").glob("*.md"))
        for block in re.findall(r"^```sh\n(.*?)^```", page.read_text(), re.MULTILINE | re.DOTALL)
        if "useradd" in block or f"> {ENV_FILE}" in block
    ]
    assert copies == []
