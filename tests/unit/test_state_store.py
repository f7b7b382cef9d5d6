"""The state store: snapshot plus journal, fsync'd records, corruption, versions, schema."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from runner.planner import JobTiming
from runner.state import (
    StateStore,
    StateVersionError,
    load_state,
    new_run_id,
    output_path,
    prune_runs,
    work_dir,
)
from runner.state.lock import StateLock
from runner.testing import FakeClock

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "state.schema.json").read_text())


@dataclass(frozen=True)
class Done:
    """A minimal finished run."""

    result: str
    exit_code: int | None
    error: str | None
    finished: datetime
    duration_s: float


def _run(store: StateStore, job: str, result: str, at: datetime) -> None:
    store.begin(job, run_id=new_run_id(at), started=at, due_at=at, revision="abc", dirty=False)
    store.started(job, 4242, 4242)
    code = 0 if result == "success" else 1
    store.finish(job, Done(result, code, None if code == 0 else "exit 1", at, 1.25))


def test_records_survive_reopen_through_the_journal(tmp_path: Path) -> None:
    """What `begin`/`finish` recorded is visible to readers before and after compaction."""
    path = tmp_path / "state" / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    _run(store, "a", "success", T0)
    _run(store, "a", "failure", T0 + timedelta(minutes=1))
    store.sync()
    data, warnings = load_state(path)
    assert warnings == []
    job = data.job("a")
    assert job is not None
    assert (job.runs, job.failures, job.consecutive_failures) == (2, 1, 1)
    assert job.last_success == T0
    assert job.last_result == "failure"
    assert job.last_attempt == T0 + timedelta(minutes=1)
    assert job.first_seen == T0
    assert job.attempt is None
    assert job.revision == "abc"
    assert job.revision_dirty is False
    store.close()
    assert path.with_suffix(".journal").stat().st_size == 0
    assert load_state(path)[0].jobs == data.jobs


def test_open_attempt_is_visible_with_pid(tmp_path: Path) -> None:
    """An attempt in progress shows its run id, pid, process group and boot id to readers."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    store.begin("a", run_id="r1", started=T0, due_at=T0 - timedelta(seconds=5))
    store.started("a", 99999, 99999)
    job = load_state(path)[0].job("a")
    assert job is not None
    assert job.attempt is not None
    assert (job.attempt.run_id, job.attempt.pid, job.attempt.pgid) == ("r1", 99999, 99999)
    assert job.attempt.due_at == T0 - timedelta(seconds=5)
    assert job.attempt.boot_id == store.boot_id
    store.close()


def test_finish_is_buffered_until_next_begin(tmp_path: Path) -> None:
    """A finish record reaches the journal with the next `begin`, not on its own."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    _run(store, "a", "success", T0)
    before = path.with_suffix(".journal").read_bytes()
    assert b'"last_result"' not in before
    store.begin("b", run_id="r2", started=T0)
    after = path.with_suffix(".journal").read_bytes()
    assert b'"last_result":"success"' in after
    store.close()


def test_torn_last_journal_line_is_ignored(tmp_path: Path) -> None:
    """A journal whose last line was cut by a crash loads without it and without a warning."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    _run(store, "a", "success", T0)
    store.sync()
    store.close()
    journal = path.with_suffix(".journal")
    good = json.dumps({"j": "b", "s": {"first_seen": "2026-11-25T06:00:00.000Z"}})
    journal.write_text(good + "\n" + '{"j": "a", "s": {"runs": 9')
    data, warnings = load_state(path)
    assert warnings == []
    assert data.jobs["a"]["runs"] == 1
    assert "b" in data.jobs
    reopened = StateStore.open(path, clock=FakeClock(T0))
    assert reopened.data.jobs["a"]["runs"] == 1
    assert journal.stat().st_size == 0
    reopened.close()


def test_corrupt_snapshot_is_moved_aside(tmp_path: Path) -> None:
    """A truncated snapshot is renamed with a timestamp and reported, never overwritten."""
    path = tmp_path / "state.json"
    path.write_text('{"version": 1, "jobs": {"a": {"runs"')
    assert load_state(path)[1][0].code == "corrupt-snapshot"
    store = StateStore.open(path, clock=FakeClock(T0))
    aside = tmp_path / "state.json.corrupt-20261125T060000"
    assert aside.read_text() == '{"version": 1, "jobs": {"a": {"runs"'
    assert [w.code for w in store.warnings] == ["corrupt-snapshot"]
    assert "moved aside" in store.warnings[0].message
    store.close()
    assert json.loads(path.read_text())["jobs"] == {}


def test_newer_version_is_refused(tmp_path: Path) -> None:
    """A snapshot from a newer jobrunner is refused with an explanation and left alone."""
    path = tmp_path / "state.json"
    path.write_text('{"version": 2, "jobs": {}}')
    with pytest.raises(StateVersionError, match="newer jobrunner"):
        StateStore.open(path, clock=FakeClock(T0))
    with pytest.raises(StateVersionError):
        load_state(path)
    assert path.read_text() == '{"version": 2, "jobs": {}}'
    lock = StateLock(tmp_path / "state.lock")
    lock.acquire()  # the refused open released the lock
    lock.release()


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    """Temp files left by a crash during a snapshot write are deleted after taking the lock."""
    stale = tmp_path / "state.json.abcd.tmp"
    stale.write_text("{")
    StateStore.open(tmp_path / "state.json", clock=FakeClock(T0)).close()
    assert not stale.exists()


def test_permissions_and_missing_directory(tmp_path: Path) -> None:
    """A missing state directory is created 0750; snapshot, journal and lock are 0640."""
    path = tmp_path / "deep" / "state" / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    _run(store, "a", "success", T0)
    store.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750
    for name in ("state.json", "state.journal", "state.lock"):
        assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o640, name


def test_written_state_matches_schema(tmp_path: Path) -> None:
    """The snapshot, with finished and open attempts and a clean revision, fits the schema."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    store.see_jobs(["new", "a"], T0)
    _run(store, "a", "timeout", T0)
    store.begin("b", run_id="r9", started=T0, due_at=None, revision=None, dirty=None)
    store.started("b", 1, 1)
    store.set_last_clean_revision("0123abcd")
    store.close()
    document = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["version"] == 1
    assert document["last_clean_revision"] == "0123abcd"
    assert document["jobs"]["new"] == {"first_seen": "2026-11-25T06:00:00.000Z"}


def test_rename_moves_state(tmp_path: Path) -> None:
    """`rename` carries a job's state to its new name, also through the journal."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    _run(store, "old", "success", T0)
    store.compact()
    assert store.rename("old", "new")
    assert not store.rename("missing", "x")
    store.sync()
    data = load_state(path)[0]
    assert "old" not in data.jobs
    assert data.jobs["new"]["runs"] == 1
    store.close()


def test_interruptions_count_and_reset(tmp_path: Path) -> None:
    """Consecutive interruptions grow with each `interrupted` and reset on any other result."""
    store = StateStore.open(tmp_path / "state.json", clock=FakeClock(T0))
    for result in ("interrupted", "interrupted"):
        _run(store, "a", result, T0)
    job = store.job("a")
    assert job is not None
    assert (job.consecutive_interruptions, job.consecutive_failures) == (2, 2)
    _run(store, "a", "failure", T0)
    job = store.job("a")
    assert job is not None
    assert (job.consecutive_interruptions, job.consecutive_failures) == (0, 3)
    store.close()


def test_compaction_by_age(tmp_path: Path) -> None:
    """The journal is folded into the snapshot once it is older than 60 s."""
    clock = FakeClock(T0)
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=clock)
    _run(store, "a", "success", T0)
    assert not store.maybe_compact()
    clock.advance(timedelta(seconds=61))
    assert store.maybe_compact()
    assert json.loads(path.read_text())["jobs"]["a"]["runs"] == 1
    store.close()


def test_run_files_are_pruned_and_work_dir_created(tmp_path: Path) -> None:
    """Only the newest N output files are kept; the work directory is created on demand."""
    store = StateStore.open(tmp_path / "state.json", clock=FakeClock(T0))
    for minute in range(5):
        at = T0 + timedelta(minutes=minute)
        path = output_path(store.paths, "a", new_run_id(at))
        path.parent.mkdir(exist_ok=True, parents=True)
        path.write_text(str(minute))
    removed = prune_runs(store.paths, "a", 3)
    kept = sorted(p.read_text() for p in (tmp_path / "runs" / "a").iterdir())
    assert (len(removed), kept) == (2, ["2", "3", "4"])
    assert work_dir(store.paths, "a") == tmp_path / "work" / "a"
    assert (tmp_path / "work" / "a").is_dir()
    store.close()


def test_timings_for_the_planner(tmp_path: Path) -> None:
    """The planner's view: first seen, last attempt and interruptions; new jobs seen now."""
    store = StateStore.open(tmp_path / "state.json", clock=FakeClock(T0))
    _run(store, "a", "interrupted", T0)
    later = T0 + timedelta(hours=1)
    timings = store.data.timings(["a", "new"], later)
    assert timings["a"] == JobTiming(T0, T0, 1)
    assert timings["new"] == JobTiming(later, None, 0)
    store.close()


def test_forget_drops_records_for_good(tmp_path: Path) -> None:
    """forget() removes the named records and compacts, so reopening does not bring them back."""
    clock = FakeClock(datetime(2026, 11, 25, tzinfo=UTC))
    path = tmp_path / "state.json"
    with StateStore.open(path, clock=clock) as store:
        store.see_jobs(["keep", "gone"], clock.now())
        store.sync()
        assert store.forget(["gone", "never-was"]) == ["gone"]
    with StateStore.open(path, clock=clock) as store:
        assert store.job("gone") is None
        assert store.job("keep") is not None
