"""contrib/icinga2/jobrunner-check.conf validated by a real `icinga2 daemon -C` (skipped where
Icinga 2 is not installed, as on CI: `apt-get install icinga2-bin` to run it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "contrib" / "icinga2" / "jobrunner-check.conf"
ICINGA2 = shutil.which("icinga2")

MAIN = """\
include <itl>
include <plugins>
const NodeName = "master"
const ZoneName = "master"
const PluginDir = "/usr/lib/nagios/plugins"
object Endpoint "master" { }
object Zone "master" { endpoints = [ "master" ] }
object Endpoint "web2" { }
object Zone "web2" { endpoints = [ "web2" ]; parent = "master" }
"""

HOSTS = """\
template Host "generic-host" { check_command = "hostalive" }
template Service "generic-service" { max_check_attempts = 3 }
object Host "web1" {
  import "generic-host"
  address = "127.0.0.1"
  vars.jobrunner = true
  vars.jobrunner_mode = "cron"
}
object Host "web2" {
  import "generic-host"
  address = "127.0.0.2"
  vars.agent_endpoint = name
  vars.jobrunner = true
  vars.jobrunner_jobs["backup"] = { jobrunner_crit_failures = 2 }
  vars.jobrunner_jobs["cmdb-import"] = { jobrunner_grace = "1h" }
}
"""


@pytest.mark.skipif(ICINGA2 is None, reason="icinga2 is not installed")
def test_icinga2_accepts_the_check_command_and_its_apply_rules(tmp_path: Path) -> None:
    """The CheckCommand and both apply rules validate; they give a host service on each
    jobrunner host (on the agent where the host names one) and one service per listed job."""
    assert ICINGA2 is not None
    zone = tmp_path / "zones.d" / "master"
    zone.mkdir(parents=True)
    (tmp_path / "main.conf").write_text(MAIN)
    (zone / "hosts.conf").write_text(HOSTS)
    shutil.copy(CONF, zone / CONF.name)
    done = subprocess.run(
        [ICINGA2, "daemon", "-C", "-c", str(tmp_path / "main.conf"),
         f"-DZonesDir={tmp_path / 'zones.d'}", f"-DVarsPath={tmp_path / 'vars'}",
         f"-DObjectsPath={tmp_path / 'objects'}", "-DRunAsUser=root", "-DRunAsGroup=root"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Instantiated 4 Services" in done.stdout  # web1 and web2, and web2's two jobs
