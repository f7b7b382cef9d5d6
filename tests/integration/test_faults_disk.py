"""A full disk under the state directory: the daemon keeps its last good state, keeps running,
and records again when space returns.

The disk is "full" while a flag file exists: a `sitecustomize` module on the daemon's
PYTHONPATH makes `os.open` (creating), `os.write`, `os.fsync` and `os.fdatasync` fail with
ENOSPC for files under the state directory, as ext4 does when it runs out of blocks. This
works without root or a loop mount, so it runs in CI.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.state import load_state, read_run_summary
from tests.integration.daemonproc import DaemonProcess, event

SITECUSTOMIZE = textwrap.dedent(
    """
    import errno, os

    _FLAG = os.environ["JOBRUNNER_TEST_DISK_FULL"]
    _DIR = os.environ["JOBRUNNER_TEST_STATE_DIR"]
    _open, _write, _fsync, _fdatasync = os.open, os.write, os.fsync, os.fdatasync


    def _full(path):
        return os.path.exists(_FLAG) and str(path).startswith(_DIR)


    def _fd_full(fd):
        try:
            return _full(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return False


    def _raise():
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


    def _open_checked(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and _full(os.path.abspath(path)):
            _raise()
        return _open(path, flags, *args, **kwargs)


    def _guard(real):
        def checked(fd, *args):
            if _fd_full(fd):
                _raise()
            return real(fd, *args)
        return checked


    os.open = _open_checked
    os.write, os.fsync, os.fdatasync = _guard(_write), _guard(_fsync), _guard(_fdatasync)
    """
)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[DaemonProcess, Path]]:
    """A daemon over one job due every second, and the flag file that fills its disk."""
    jobs, state_dir, hooks = tmp_path / "jobs", tmp_path / "state", tmp_path / "hooks"
    jobs.mkdir()
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (jobs / "tick.yaml").write_text(
        "kind: Job\nname: tick\ntype: command\ninterval: 1s\n"
        'settings:\n  argv: ["sh", "-c", "echo tick"]\n'
    )
    flag = tmp_path / "disk-full"
    env = {
        "PYTHONPATH": str(hooks),
        "JOBRUNNER_TEST_DISK_FULL": str(flag),
        "JOBRUNNER_TEST_STATE_DIR": str(state_dir),
    }
    daemon = DaemonProcess(jobs, state_dir / "state.json", env=env)
    yield daemon, flag
    daemon.close()


def test_full_disk_keeps_daemon_and_last_good_state(
    full_disk: tuple[DaemonProcess, Path],
) -> None:
    """While the disk is full no job starts and the state stays readable; when space returns
    jobs run and are recorded again, and no run is recorded twice or lost."""
    daemon, flag = full_disk
    daemon.wait_for(event("job.finished", job="tick", result="success"))
    flag.touch()
    daemon.wait_for(event("state.unwritable"))
    before, warnings = load_state(daemon.state)
    assert warnings == []
    assert daemon.proc.poll() is None
    flag.unlink()
    daemon.wait_for(event("state.writable"))
    last = before.jobs["tick"]["last_run_id"]
    daemon.wait_for(lambda line: line.get("event") == "job.finished" and line["run_id"] > last)
    assert daemon.stop() == 0
    after, warnings = load_state(daemon.state)
    assert warnings == []
    record = after.jobs["tick"]
    summaries = [read_run_summary(p) for p in (daemon.state.parent / "runs" / "tick").iterdir()]
    successes = [s for s in summaries if s is not None and s["result"] == "success"]
    assert record["runs"] - record["failures"] == len(successes)
    assert record["runs"] > before.jobs["tick"]["runs"]
    assert sum(line.get("event") == "state.unwritable" for line in daemon.lines) == 1
    report = json.loads((daemon.state.parent / "daemon.json").read_text())
    assert report["state"] == "stopped"
