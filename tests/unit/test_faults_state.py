"""A full disk under the state store (ENOSPC injected in-process): nothing half-written stays
in the journal, a refused start leaves no trace, and buffered records are kept for later."""

from __future__ import annotations

import errno
import os
from datetime import timedelta
from pathlib import Path

import pytest

from runner.state import StateStore, load_state
from runner.testing import FakeClock
from tests.unit.test_state_store import T0


class FullDisk:
    """os.write and os.fdatasync for the store: the first `room` bytes fit, then ENOSPC."""

    def __init__(self, room: int) -> None:
        self.room = room
        self._write = os.write

    def write(self, fd: int, data: bytes | memoryview) -> int:
        """Write what fits, then refuse like a full ext4."""
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = self._write(fd, bytes(data[: self.room]))
        self.room -= written
        return written


class _Outcome:
    """A successful one-second run."""

    result, exit_code, error, duration_s = "success", 0, None, 1.0

    def __init__(self, finished: object) -> None:
        self.finished = finished


def test_refused_start_leaves_no_trace_and_no_torn_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start whose record does not fit raises, leaves the journal whole and the job as it
    was; once space returns the same start is recorded normally."""
    path = tmp_path / "state.json"
    clock = FakeClock(T0)
    store = StateStore.open(path, clock=clock)
    store.begin("a", run_id="r1", started=T0)
    store.finish("a", _Outcome(T0 + timedelta(seconds=1)))
    store.flush()
    before = dict(store.data.jobs["a"])
    disk = FullDisk(room=10)
    monkeypatch.setattr("runner.state.store.os.write", disk.write)
    with pytest.raises(OSError, match="No space left"):
        store.begin("a", run_id="r2", started=T0 + timedelta(minutes=1))
    with pytest.raises(OSError, match="No space left"):
        store.begin("b", run_id="r3", started=T0 + timedelta(minutes=1))
    assert store.data.jobs["a"] == before
    assert "b" not in store.data.jobs
    data, warnings = load_state(path)
    assert warnings == []
    assert data.jobs["a"]["last_run_id"] == "r1"
    monkeypatch.undo()
    store.begin("a", run_id="r2", started=T0 + timedelta(minutes=2))
    assert load_state(path)[0].jobs["a"]["attempt"]["run_id"] == "r2"
    store.close()


def test_buffered_finish_survives_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finish record that cannot be appended stays buffered and is written by the next
    sync; the reader meanwhile sees the last good state."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    store.begin("a", run_id="r1", started=T0)
    store.finish("a", _Outcome(T0 + timedelta(seconds=1)))
    monkeypatch.setattr("runner.state.store.os.write", FullDisk(room=0).write)
    with pytest.raises(OSError, match="No space left"):
        store.flush()
    data, warnings = load_state(path)
    assert (warnings, data.jobs["a"]["attempt"]["run_id"]) == ([], "r1")
    monkeypatch.undo()
    store.sync()
    data, warnings = load_state(path)
    assert (warnings, data.jobs["a"]["attempt"], data.jobs["a"]["runs"]) == ([], None, 1)
    store.close()
