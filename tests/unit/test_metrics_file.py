"""Writing the metrics file (runner.metricsfile): atomic, 0644, paced, failures logged once."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from runner.commands.run import run_pass
from runner.jobtypes import default_registry
from runner.metricsfile import ENV, MetricsFile
from runner.model import Definitions, JobDef
from runner.session import load
from runner.state import StateStore
from runner.testing import FakeClock
from tests.unit.test_metrics_promtext import parse

START = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


@pytest.fixture
def strict_umask() -> Iterator[None]:
    """A umask of 077, as a hardened service might have."""
    old = os.umask(0o077)
    yield
    os.umask(old)


def metrics_file(path: Path) -> tuple[MetricsFile, dict[str, dict[str, Any]], FakeClock]:
    clock = FakeClock(START)
    job = JobDef(name="a", type="command", interval=timedelta(minutes=5), settings={})
    records: dict[str, dict[str, Any]] = {"a": {"runs": 1}}
    metrics = MetricsFile(path, clock)
    metrics.update(Definitions(root=path.parent, jobs={"a": job}), records, None)
    return metrics, records, clock


def runs(path: Path) -> float:
    return parse(path.read_text())["jobrunner_job_runs_total"].value(job="a")


@pytest.mark.usefixtures("strict_umask")
def test_write_is_atomic_and_readable_by_others(tmp_path: Path) -> None:
    """The file is 0644 whatever the umask, and no temp file is left beside it."""
    path = tmp_path / "jobrunner.prom"
    metrics, _records, _clock = metrics_file(path)
    assert metrics.write()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["jobrunner.prom"]
    assert runs(path) == 1


def test_writes_after_runs_are_paced_and_flushed(tmp_path: Path) -> None:
    """A run within a second of the last write waits for flush(); a later one writes."""
    path = tmp_path / "jobrunner.prom"
    metrics, records, clock = metrics_file(path)
    metrics.after_run()
    records["a"]["runs"] = 2
    metrics.after_run()
    assert runs(path) == 1
    metrics.flush()
    assert runs(path) == 2
    records["a"]["runs"] = 3
    clock.advance(timedelta(seconds=1))
    metrics.after_run()
    assert runs(path) == 3


def test_a_paced_write_is_made_when_no_other_job_follows(tmp_path: Path) -> None:
    """With `more_due` saying nothing else is due, the write after a run is not put off."""
    path = tmp_path / "jobrunner.prom"
    metrics, records, _clock = metrics_file(path)
    due = [True, False]
    metrics.more_due = lambda _now: due.pop(0)
    metrics.after_run()
    records["a"]["runs"] = 2
    metrics.after_run()
    assert runs(path) == 1  # another job follows at once: wait
    metrics.after_run()
    assert runs(path) == 2  # the burst is over: write now


def test_unwritable_path_is_logged_once_an_hour_and_recovery_noted(tmp_path: Path) -> None:
    """A failing write logs the path and the fix once, again after an hour, then 'written'."""
    path = tmp_path / "missing" / "jobrunner.prom"
    metrics, _records, clock = metrics_file(path)
    with capture_logs() as logs:
        assert not metrics.write()
        clock.advance(timedelta(minutes=30))
        assert not metrics.write()
        clock.advance(timedelta(minutes=31))
        assert not metrics.write()
        path.parent.mkdir()
        assert metrics.write()
    assert [entry["event"] for entry in logs] == [
        "metrics.not_written",
        "metrics.not_written",
        "metrics.written",
    ]
    assert logs[0]["path"] == str(path)
    assert f"create {path.parent}" in logs[0]["hint"]


def test_failed_rename_leaves_no_temp_file(tmp_path: Path) -> None:
    """When the target cannot be replaced (a directory), the temp file is removed."""
    path = tmp_path / "jobrunner.prom"
    path.mkdir()
    metrics, _records, _clock = metrics_file(path)
    with capture_logs():
        assert not metrics.write()
    assert [p.name for p in tmp_path.iterdir()] == ["jobrunner.prom"]


def test_the_environment_names_the_file() -> None:
    """JOBRUNNER_METRICS_FILE sets the path; unset or empty means no metrics file."""
    clock = FakeClock(START)
    found = MetricsFile.from_environ({ENV: "/tmp/x.prom"}, clock)
    assert found is not None
    assert found.path == Path("/tmp/x.prom")
    assert MetricsFile.from_environ({ENV: " "}, clock) is None
    assert MetricsFile.from_environ({}, clock) is None


class TickingClock(FakeClock):
    """A fake clock that moves a second forward every time it is read."""

    def now(self) -> datetime:
        """The fake instant, one second later than the last reading."""
        self.advance(timedelta(seconds=1))
        return super().now()


def test_a_run_pass_shows_jobs_waiting_behind_the_running_one(tmp_path: Path) -> None:
    """In a `run` pass, a due job not yet started shows how long it has waited."""
    jobs, metrics = tmp_path / "jobs", tmp_path / "jobrunner.prom"
    jobs.mkdir()
    job = "kind: Job\nname: {name}\ntype: command\ninterval: 1h\nsettings:\n  argv: {argv}\n"
    (jobs / "a.yaml").write_text(job.format(name="a", argv="['true']"))
    copy = json.dumps(["cp", str(metrics), str(tmp_path / "seen.prom")])
    (jobs / "b.yaml").write_text(job.format(name="b", argv=copy))
    loaded = load(jobs, timezone="UTC", registry=default_registry(), last_clean=None)
    clock = TickingClock(START)
    with (
        pytest.MonkeyPatch.context() as patch,
        StateStore.open(tmp_path / "state.json", clock=clock) as store,
    ):
        patch.setenv(ENV, str(metrics))
        ran = run_pass(store, loaded, default_registry(), clock=clock)
    assert [name for name, _ in ran] == ["a", "b"]
    seen = parse((tmp_path / "seen.prom").read_text())["jobrunner_job_due_waiting_seconds"]
    assert seen.value(job="a") == 0
    assert seen.value(job="b") > 0
    final = parse(metrics.read_text())["jobrunner_job_due_waiting_seconds"]
    assert final.value(job="b") == 0
