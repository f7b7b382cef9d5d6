"""The state store's pause record and its fsync budget (one per job, constant per run)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from runner.state import PauseInfo, StateStore, load_state
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


def test_pause_is_durable_and_fits_the_schema(tmp_path: Path) -> None:
    """`set_pause` is visible to readers at once and `clear_pause` removes it again."""
    path = tmp_path / "state.json"
    store = StateStore.open(path, clock=FakeClock(T0))
    store.set_pause("alice", "disk swap")
    assert load_state(path)[0].pause == PauseInfo("alice", T0, "disk swap")
    store.compact()
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(path.read_text()))
    store.clear_pause()
    assert load_state(path)[0].pause is None
    store.close()
    document = json.loads(path.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["pause"] is None


def test_one_fsync_per_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Begin, spawn and finish of a job cost exactly one fdatasync, however many jobs ran."""
    store = StateStore.open(tmp_path / "state.json", clock=FakeClock(T0))
    calls: Counter[str] = Counter()

    def counting(name: str, real: Callable[[int], None]) -> Callable[[int], None]:
        def wrapper(fd: int) -> None:
            calls[name] += 1
            real(fd)

        return wrapper

    monkeypatch.setattr(os, "fsync", counting("fsync", os.fsync))
    monkeypatch.setattr(os, "fdatasync", counting("fdatasync", os.fdatasync))
    for number in range(50):
        job = f"job{number % 7}"
        store.begin(job, run_id=f"r{number}", started=T0, due_at=T0, revision="abc", dirty=False)
        store.started(job, 1000 + number, 1000 + number)
        store.finish(job, Done("success", 0, None, T0, 0.5))
    assert calls == Counter({"fdatasync": 50})
    store.sync()
    assert calls == Counter({"fdatasync": 51})
    assert load_state(tmp_path / "state.json")[0].jobs["job0"]["runs"] == 8
    monkeypatch.undo()
    store.close()
