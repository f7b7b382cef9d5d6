"""Fuzzing the state reader: any snapshot and journal bytes give a state or a `StateError`.

`load_state` (lock-free readers) never raises anything but `StateError` (a newer `version`);
`StateStore.open` (the lock holder) opens any such files, moving a corrupt snapshot aside,
and what it writes back reads cleanly. A torn last journal line is ignored.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.state import StateData, StateError, StateStore, load_state
from runner.testing import FakeClock

LONG_RUN = int(os.environ.get("JOBRUNNER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 40,
    deadline=timedelta(seconds=1),
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
T0 = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = ("runs", "failures", "last_attempt", "first_seen", "attempt", "last_result", "pause")
records = st.one_of(
    json_values,
    st.fixed_dictionaries({"j": json_values, "s": json_values}),
    st.fixed_dictionaries(
        {"j": st.text(max_size=4), "s": st.dictionaries(st.sampled_from(FIELDS), json_values)}
    ),
    st.fixed_dictionaries({"top": json_values}),
    st.fixed_dictionaries({"rename": json_values}),
    st.fixed_dictionaries({"rename": st.lists(st.text(max_size=2), min_size=2, max_size=2)}),
)
snapshots = st.one_of(
    st.binary(max_size=600),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"version": st.integers(-1, 2) | json_values, "jobs": json_values},
        optional={"x": json_values},
    ).map(lambda v: json.dumps(v).encode()),
)
journals = st.one_of(
    st.binary(max_size=600),
    st.lists(records, max_size=8).map(
        lambda rs: b"".join(json.dumps(r).encode() + b"\n" for r in rs)
    ),
)


@contextmanager
def state_files(snapshot: bytes | None, journal: bytes | None) -> Iterator[Path]:
    """A temporary state directory holding the given snapshot and journal bytes."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "state.json"
        if snapshot is not None:
            path.write_bytes(snapshot)
        if journal is not None:
            path.with_suffix(".journal").write_bytes(journal)
        yield path


def read(path: Path) -> StateData | None:
    """`load_state`, with a newer `version` (the one documented refusal) as None."""
    try:
        data, warnings = load_state(path)
    except StateError as exc:
        message = str(exc)
    else:
        assert isinstance(data, StateData)
        assert all(w.code in {"corrupt-snapshot", "bad-journal-line"} for w in warnings)
        return data
    assert "newer jobrunner" in message
    return None


@FUZZ
@given(st.none() | snapshots, st.none() | journals)
def test_reader_gives_a_state_or_the_version_error(
    snapshot: bytes | None, journal: bytes | None
) -> None:
    """Arbitrary snapshot and journal bytes: `load_state` returns a state or a StateError."""
    with state_files(snapshot, journal) as path:
        read(path)


def _plain(data: StateData) -> Any:
    """The state as JSON would write it (what a writer persists)."""
    return json.loads(json.dumps(data.to_document("written")))


@FUZZ
@given(st.none() | snapshots, st.none() | journals)
def test_writer_opens_any_files_and_writes_back_a_clean_state(
    snapshot: bytes | None, journal: bytes | None
) -> None:
    """`StateStore.open` recovers what it can; after `close` the files read without warnings."""
    with state_files(snapshot, journal) as path:
        try:
            store = StateStore.open(path, clock=FakeClock(T0))
        except StateError:
            assert read(path) is None  # only a newer version is refused, by both
            return
        opened = _plain(store.data)
        store.close()
        data, warnings = load_state(path)
        assert warnings == []
        assert _plain(data) == opened


@st.composite
def written_state(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    """A snapshot and the journal lines a real store wrote for some runs and renames."""
    with state_files(None, None) as path:
        clock = FakeClock(T0)
        store = StateStore.open(path, clock=clock)
        for step in draw(st.lists(st.sampled_from(["run", "rename", "clean"]), max_size=8)):
            job = draw(st.sampled_from(["a", "b", "c"]))
            if step == "run":
                store.begin(job, run_id=f"r{clock.monotonic()}", started=clock.now())
                clock.advance(timedelta(seconds=draw(st.integers(0, 100))))
                store.finish(job, _Outcome(clock.now(), draw(st.booleans())))
            elif step == "rename":
                store.rename(job, draw(st.sampled_from(["a", "b", "c", "d"])))
            else:
                store.set_last_clean_revision(draw(st.text("0123456789abcdef", max_size=8)))
        store.sync()
        lines = path.with_suffix(".journal").read_bytes().splitlines(keepends=True)
        snapshot = path.read_bytes()
        store.close()
    return snapshot, lines


class _Outcome:
    """A finished run for `StateStore.finish`."""

    def __init__(self, finished: datetime, success: bool) -> None:
        self.result = "success" if success else "failure"
        self.exit_code = 0 if success else 1
        self.error = None if success else "exit code 1"
        self.finished = finished
        self.duration_s = 1.5


@FUZZ
@given(written_state(), st.data())
def test_torn_last_journal_line_is_ignored(
    written: tuple[bytes, list[bytes]], data: st.DataObject
) -> None:
    """A journal cut anywhere reads as its complete lines: the torn rest is ignored silently."""
    snapshot, lines = written
    keep = data.draw(st.integers(0, len(lines)))
    torn = (
        lines[keep][: data.draw(st.integers(0, len(lines[keep]) - 1))] if keep < len(lines) else b""
    )
    with state_files(snapshot, b"".join(lines[:keep])) as whole:
        expected, _ = load_state(whole)
    with state_files(snapshot, b"".join(lines[:keep]) + torn) as cut:
        got, warnings = load_state(cut)
    assert warnings == []
    assert _plain(got) == _plain(expected)


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


ADVERSARIAL = {
    "deeply nested snapshot": (b'{"version": 1, "jobs": {"a": ' + _deep(100_000) + b"}}", None),
    "deeply nested journal line": (None, b'{"j": "a", "s": ' + _deep(100_000) + b"}\n"),
    "huge int in the snapshot": (
        b'{"version": 1, "jobs": {"a": {"runs": ' + b"9" * 5000 + b"}}}",
        None,
    ),
    "huge version": (b'{"version": ' + b"9" * 5000 + b', "jobs": {}}', None),
    "very long journal line": (None, b'{"j": "a", "s": {"x": "' + b"y" * 2_000_000 + b'"}}\n'),
    "many journal lines": (None, b'{"j": "a", "s": {"runs": 1}}\n' * 50_000),
    "journal resets the version": (None, b'{"top": {"version": 99}}\n'),
    "journal sets jobs at the top": (None, b'{"top": {"jobs": 5, "written": []}}\n'),
    "NaN and Infinity": (b'{"version": 1, "jobs": {"a": {"runs": NaN, "x": -Infinity}}}', None),
    "invalid UTF-8": (b'{"version": 1, "jobs": {"\xff": {}}}', b'{"j": "\xfe"}\n'),
    "lone surrogate": (b'{"version": 1, "jobs": {"\\ud800": {}}}', b'{"j": "\\udfff", "s": {}}\n'),
}


@pytest.mark.parametrize(("snapshot", "journal"), ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_adversarial_state_files_within_a_second(
    snapshot: bytes | None, journal: bytes | None
) -> None:
    """Known-nasty state files are read, and opened and rewritten, without a crash and within a
    second of CPU time (CPU, not wall-clock: a loaded machine must not fail it, a blow-up
    still does)."""
    start = time.process_time()
    with state_files(snapshot, journal) as path:
        read(path)
        try:
            StateStore.open(path, clock=FakeClock(T0)).close()
        except StateError:
            pass
        else:
            data, warnings = load_state(path)
            assert warnings == []
            assert isinstance(data, StateData)
    seconds = time.process_time() - start
    assert seconds < 1.0, f"{seconds:.2f}s"
