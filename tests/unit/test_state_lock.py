"""The runner lock and the state directory's failure modes, with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from runner.state import StateDirError, StateLockedError, StateStore
from runner.state.lock import StateLock
from runner.testing import FakeClock
from tests.unit.test_state_store import T0

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from runner.state.lock import StateLock
    lock = StateLock(Path(sys.argv[1]))
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.read()
    """
)


def test_second_runner_is_told_the_holders_pid(tmp_path: Path) -> None:
    """While another process holds the lock, opening the store names that process's pid."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "state.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(StateLockedError, match=f"pid {holder.pid}") as caught:
            StateStore.open(tmp_path / "state.json", clock=FakeClock(T0))
        assert caught.value.holder == str(holder.pid)
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(timeout=10) == 0
    StateStore.open(tmp_path / "state.json", clock=FakeClock(T0)).close()


def test_lock_is_not_inherited_by_children(tmp_path: Path) -> None:
    """The lock descriptor is close-on-exec, so a job never keeps the lock alive."""
    lock = StateLock(tmp_path / "state.lock")
    lock.acquire()
    assert lock.is_held
    flags = [
        os.get_inheritable(int(fd.name))
        for fd in Path("/proc/self/fd").iterdir()
        if fd.resolve() == tmp_path / "state.lock"
    ]
    assert flags == [False]
    lock.release()
    assert not lock.is_held


READ_ONLY = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from runner.state import StateDirError, StateStore
    from runner.testing import FakeClock
    from datetime import UTC, datetime
    import os
    if os.geteuid() == 0:  # root ignores permissions: become nobody after the imports
        os.setgid(65534)
        os.setuid(65534)
    try:
        StateStore.open(Path(sys.argv[1]), clock=FakeClock(datetime(2026, 1, 1, tzinfo=UTC)))
    except StateDirError as exc:
        print(exc)
        sys.exit(3)
    """
)


def test_read_only_directory_is_a_clear_error() -> None:
    """A state directory the runner cannot write gives a `StateDirError` that says so."""
    with tempfile.TemporaryDirectory() as base:
        os.chmod(base, 0o755)  # noqa: PTH101 - the unprivileged child must traverse it
        directory = Path(base) / "state"
        directory.mkdir(mode=0o555)
        directory.chmod(0o555)
        result = subprocess.run(
            [sys.executable, "-c", READ_ONLY, str(directory / "state.json")],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
            check=False,
            timeout=30,
        )
        assert result.returncode == 3, result.stderr
        assert "not writable" in result.stdout
        assert str(directory) in result.stdout


def test_uncreatable_directory_is_a_clear_error(tmp_path: Path) -> None:
    """A state directory below a regular file cannot be created: the error says what to do."""
    (tmp_path / "file").write_text("")
    with pytest.raises(StateDirError, match="cannot create the state directory"):
        StateStore.open(tmp_path / "file" / "state" / "state.json", clock=FakeClock(T0))
