"""atheris target: any snapshot and journal bytes give a state or a `StateError`.

    python fuzz/state_fuzz.py -max_total_time=60

The input is split at its first NUL byte into `state.json` and `state.journal`. The reader
(`load_state`) must return a state or refuse a newer version with `StateError`; the lock
holder (`StateStore.open`) must open the files and write back a state that reads cleanly.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from runner.state import StateError, StateStore, load_state
    from runner.testing import FakeClock

T0 = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
DIRECTORY = Path(tempfile.mkdtemp(prefix="jobrunner-state-fuzz-"))


def _reset(snapshot: bytes, journal: bytes) -> Path:
    """The state directory emptied and holding just the two files."""
    for stale in DIRECTORY.iterdir():
        stale.unlink()
    path = DIRECTORY / "state.json"
    path.write_bytes(snapshot)
    path.with_suffix(".journal").write_bytes(journal)
    return path


def test_one_input(data: bytes) -> None:
    """Read, open, close and read again; only a newer `version` may be refused."""
    snapshot, _, journal = data.partition(b"\0")
    path = _reset(snapshot, journal)
    try:
        load_state(path)
    except StateError:
        return
    StateStore.open(path, clock=FakeClock(T0)).close()
    _, warnings = load_state(path)
    if warnings:
        raise AssertionError(f"a state written by the store reads with warnings: {warnings}")


def main() -> None:
    """Run libFuzzer with a one-second limit per input unless the command line says otherwise."""
    atheris.Setup([sys.argv[0], "-timeout=1", *sys.argv[1:]], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
