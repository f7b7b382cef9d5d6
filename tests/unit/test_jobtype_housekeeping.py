"""The `housekeeping` type: which removed jobs are forgotten when, and a pass of three jobs
(housekeeping between two others) through the real dispatcher loses no record."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runner.clock import SystemClock
from runner.definitions import load_from_files
from runner.dispatch import Dispatcher
from runner.executor import Executor, Result
from runner.jobtypes import default_registry
from runner.jobtypes.afterrun import RunRecorded
from runner.jobtypes.housekeeping import HousekeepingType, remove_stale_files
from runner.jobtypes.housekeepingstate import TRACKING_FILE, plan_forget
from runner.jobtypes.python import JobContext, JobFailed
from runner.model import Defaults, Definitions, JobDef, Source
from runner.state import StateStore, load_state

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_a_newly_missing_job_is_tracked_not_forgotten() -> None:
    """The first time a record has no definition, the instant is noted; nothing is dropped."""
    plan = plan_forget({"old": {}, "kept": {}}, {"kept"}, {}, NOW, 30 * DAY)
    assert plan.forget == []
    assert plan.tracking == {"old": _stamp(NOW)}


def test_forgotten_after_the_period() -> None:
    """A record missing for the whole period is forgotten; a younger one stays tracked."""
    tracking = {"old": _stamp(NOW - 31 * DAY), "young": _stamp(NOW - 2 * DAY)}
    plan = plan_forget({"old": {}, "young": {}}, set(), tracking, NOW, 30 * DAY)
    assert plan.forget == ["old"]
    assert plan.tracking == {"young": _stamp(NOW - 2 * DAY)}


def test_activity_after_tracking_moves_the_removal() -> None:
    """A job that ran after it was first found missing (it came back) starts over."""
    record = {"last_finished": _stamp(NOW - DAY)}
    plan = plan_forget({"back": record}, set(), {"back": _stamp(NOW - 40 * DAY)}, NOW, 30 * DAY)
    assert plan.forget == []
    assert plan.tracking == {"back": _stamp(NOW - DAY)}


def test_open_attempts_and_zero_period() -> None:
    """A record with an open attempt is left to recovery; `0` forgets at the first sight."""
    records: dict[str, Any] = {"running": {"attempt": {"run_id": "x"}}, "gone": {}}
    plan = plan_forget(records, set(), {}, NOW, timedelta(0))
    assert plan.forget == ["gone"]
    assert plan.tracking == {}


@dataclass(frozen=True)
class _Done:
    """A finished run as `StateStore.finish` reads it."""

    result: str
    exit_code: int | None
    error: str | None
    finished: datetime
    duration_s: float


def _job(name: str, type_: str, settings: dict[str, Any]) -> JobDef:
    return JobDef(name, type_, timedelta(hours=1), settings, source=Source(f"{name}.yaml", 1))


def test_pass_with_housekeeping_between_jobs_loses_no_record(tmp_path: Path) -> None:
    """a, housekeeping, b run in one pass: the removed job and an orphan directory go, the
    journal is compacted, and every other record is complete, in memory and on disk."""
    state = tmp_path / "state" / "state.json"
    clock = SystemClock()
    with StateStore.open(state, clock=clock) as store:  # an earlier life: `gone` existed
        long_ago = clock.now() - 60 * DAY
        store.begin("gone", run_id="r0", started=long_ago)
        store.finish("gone", _Done("success", 0, None, long_ago, 1.0))
    (state.parent / "runs" / "gone").mkdir(parents=True)
    (state.parent / "runs" / "ghost").mkdir()
    (state.parent / "runs" / "lost+found").mkdir()
    jobs = {
        "a": _job("a", "command", {"argv": ["/bin/echo", "a"]}),
        "housekeeping": _job("housekeeping", "housekeeping", {"forget_removed_after": 0}),
        "b": _job("b", "command", {"argv": ["/bin/echo", "b"]}),
    }
    definitions = Definitions(root=tmp_path, jobs=jobs, defaults=Defaults())
    with StateStore.open(state, clock=clock) as store:
        dispatcher = Dispatcher(
            definitions=definitions,
            registry=default_registry(with_plugins=False),
            store=store,
            executor=Executor(clock=clock),
            clock=clock,
            environ=dict(os.environ),
        )
        outcomes = [dispatcher.run(jobs[name], None) for name in ("a", "housekeeping", "b")]
        assert [o.result for o in outcomes] == [Result.SUCCESS] * 3, outcomes
        assert state.with_suffix(".journal").stat().st_size > 0  # b's start after compaction
        in_memory = {name: dict(record) for name, record in store.data.jobs.items()}
    on_disk, _warnings = load_state(state)
    assert sorted(on_disk.jobs) == ["a", "b", "housekeeping"]
    assert on_disk.jobs == in_memory
    for name in ("a", "housekeeping", "b"):
        record = on_disk.jobs[name]
        assert (record["runs"], record["last_result"], record["attempt"]) == (1, "success", None)
        assert record["last_finished"] >= record["last_attempt"]
    assert sorted(p.name for p in (state.parent / "runs").iterdir()) == [
        "a",
        "b",
        "housekeeping",
        "lost+found",
    ]
    output = outcomes[1].output_path.read_text()
    assert "runner: forgot job gone: state, run history and work directory" in output
    assert "runner: removed orphaned runs/ghost/" in output
    assert (state.parent / "work" / "housekeeping" / TRACKING_FILE).read_text() == "{}"


def _ctx(work_dir: Path | None, stop: bool = False) -> JobContext:
    event = threading.Event()
    if stop:
        event.set()
    return JobContext("hk", "r", {}, logging.getLogger("test.hk"), None, event, work_dir)


def test_stale_request_files_go_fresh_ones_stay(tmp_path: Path) -> None:
    """Files older than the limit are removed; newer files and symlinks are kept."""
    old, fresh = tmp_path / "old.json", tmp_path / "fresh.result.json"
    old.write_text("{}")
    fresh.write_text("{}")
    os.utime(old, (0, 0))
    (tmp_path / "link.json").symlink_to(old)
    os.utime(tmp_path / "link.json", (0, 0), follow_symlinks=False)
    removed = remove_stale_files(tmp_path, DAY, _ctx(tmp_path))
    assert removed == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.result.json", "link.json"]


def test_stop_request_is_honoured(tmp_path: Path) -> None:
    """A stop request ends the file loop with a failure that says how far it got."""
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(JobFailed, match="stopped after removing 0 stale file"):
        remove_stale_files(tmp_path, DAY, _ctx(tmp_path, stop=True))


def test_failed_run_changes_no_state(tmp_path: Path) -> None:
    """after_run of a failed housekeeping run forgets nothing and writes nothing."""
    state = tmp_path / "state.json"
    clock = SystemClock()
    job = _job("housekeeping", "housekeeping", {"forget_removed_after": 0})
    with StateStore.open(state, clock=clock) as store:
        store.finish("gone", _Done("success", 0, None, clock.now(), 1.0))
        output = tmp_path / "out.log"
        failed = _Done("failure", 1, "boom", clock.now(), 1.0)
        definitions = Definitions(root=tmp_path, jobs={"housekeeping": job})
        recorded = RunRecorded(job, "r", failed, output, store, definitions, clock.now())
        HousekeepingType().after_run(recorded)
        assert "gone" in store.data.jobs
    assert not output.exists()


def test_settings_lint() -> None:
    """A duration too long to use is a lint error at its value; valid settings are clean."""
    text = "kind: Job\nname: hk\ntype: housekeeping\ninterval: 1d\nsettings:\n  {}\n"
    bad = load_from_files(
        {"hk.yaml": text.format("forget_removed_after: 99999999d").encode()}, root=Path("/d")
    )
    assert [(d.line, d.column, d.code) for d in bad.diagnostics] == [(6, 25, "settings")]
    good = text.format("{forget_removed_after: 2w, request_files_after: 12h, remove_orphans: no}")
    found = load_from_files({"hk.yaml": good.encode()}, root=Path("/d")).diagnostics
    assert [d.message for d in found] == [
        "settings.remove_orphans: 'no' is text, not a boolean (YAML 1.2 reads only true/false)"
    ]
