"""Tests for runner.watcher and runner.debounce on real directories."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runner.debounce import Burst
from runner.inbox import QueueInbox, ReloadRequested
from runner.testing import FakeWatcher
from runner.watcher import DirectoryWatcher, WatchMode
from runner.watchobserver import make_observer

WAIT_S = 5.0
QUIET_S = 0.3
"""A quiet period that a loaded machine's scheduling pauses stay below (0.03 s did not: the
writer or watchdog's thread paused longer, and fifty files became two bursts)."""


def _reload(inbox: QueueInbox) -> ReloadRequested:
    message = inbox.get(timeout=WAIT_S)
    assert isinstance(message, ReloadRequested), message
    return message


def _reload_saying(inbox: QueueInbox, words: str) -> None:
    """Wait (bounded) for a reload request whose reason contains `words`."""
    for _ in range(5):
        if words in _reload(inbox).reason:
            return
    pytest.fail(f"no reload request saying {words!r}")


def _watch(root: Path, inbox: QueueInbox, **options: Any) -> DirectoryWatcher:
    options = {"quiet_s": 0.03, "check_every_s": 0.05, **options}
    return DirectoryWatcher(root, inbox, **options)


@pytest.fixture
def jobs(tmp_path: Path) -> Path:
    """A definitions directory with one file."""
    root = tmp_path / "jobs"
    root.mkdir()
    (root / "a.yaml").write_text("a: 1\n")
    return root


@pytest.fixture
def inbox() -> QueueInbox:
    """A real inbox."""
    return QueueInbox()


@pytest.fixture
def watching(jobs: Path, inbox: QueueInbox) -> Iterator[DirectoryWatcher]:
    """A started inotify watcher on `jobs`."""
    with _watch(jobs, inbox) as watcher:
        yield watcher


def test_burst_fires_after_quiet_period_or_cap() -> None:
    """A burst is due quiet_s after the last poke, but no later than max_wait_s after the first."""
    burst = Burst(quiet_s=0.1, max_wait_s=3.0)
    assert burst.deadline() is None
    burst.poke(10.0)
    burst.poke(10.05)
    assert burst.deadline() == pytest.approx(10.15)
    for step in range(1, 60):
        burst.poke(10.0 + step * 0.05)
    assert burst.deadline() == pytest.approx(13.0)
    assert burst.take() == 61
    assert burst.deadline() is None


def test_a_new_file_requests_one_reload(watching: DirectoryWatcher, inbox: QueueInbox) -> None:
    """Writing a new definition file puts one ReloadRequested into the inbox."""
    (watching.root / "b.yaml").write_text("b: 1\n")
    assert "files changed" in _reload(inbox).reason


def test_many_files_give_one_reload(jobs: Path, inbox: QueueInbox) -> None:
    """Fifty files written in a burst give exactly one reload request."""
    with _watch(jobs, inbox, quiet_s=QUIET_S):
        for n in range(50):
            (jobs / f"j{n}.yaml").write_text("x: 1\n")
        _reload(inbox)
        assert inbox.get(timeout=QUIET_S + 0.1) is None


def test_changes_inside_git_are_ignored(jobs: Path, inbox: QueueInbox) -> None:
    """Writes inside .git request nothing; a later definition change does."""
    (jobs / ".git").mkdir()
    with _watch(jobs, inbox):
        (jobs / ".git" / "objects").write_text("x")
        (jobs / "c.yaml").write_text("c: 1\n")
        _reload(inbox)
        assert inbox.get(timeout=0.1) is None


def test_reload_waits_for_git_index_lock(jobs: Path, inbox: QueueInbox) -> None:
    """No reload is requested while .git/index.lock exists; removing it releases one."""
    (jobs / ".git").mkdir()
    lock = jobs / ".git" / "index.lock"
    lock.write_text("")
    with _watch(jobs, inbox):
        (jobs / "d.yaml").write_text("d: 1\n")
        assert inbox.get(timeout=0.15) is None
        lock.unlink()
        _reload(inbox)


def test_root_removed_and_recreated(watching: DirectoryWatcher, inbox: QueueInbox) -> None:
    """A root that disappears and comes back is watched again."""
    root = watching.root
    for child in root.iterdir():
        child.unlink()
    root.rmdir()
    _reload_saying(inbox, "replaced")
    root.mkdir()
    _reload_saying(inbox, "replaced")
    (root / "e.yaml").write_text("e: 1\n")
    _reload_saying(inbox, "files changed")


def test_symlink_swap_of_root(tmp_path: Path, inbox: QueueInbox) -> None:
    """After `current -> releases/B` replaces `-> releases/A`, changes in B are seen, A's not."""
    a, b = tmp_path / "releases" / "A", tmp_path / "releases" / "B"
    a.mkdir(parents=True)
    b.mkdir()
    current = tmp_path / "current"
    current.symlink_to(a)
    with _watch(current, inbox):
        (tmp_path / "current.tmp").symlink_to(b)
        (tmp_path / "current.tmp").replace(current)
        assert "replaced" in _reload(inbox).reason
        (a / "old.yaml").write_text("x: 1\n")
        (b / "new.yaml").write_text("x: 1\n")
        assert "files changed" in _reload(inbox).reason
        assert inbox.get(timeout=0.1) is None


def test_configmap_data_swap(tmp_path: Path, inbox: QueueInbox) -> None:
    """A Kubernetes-style `..data` symlink swap inside the root requests a reload."""
    root = tmp_path / "config"
    (root / "..v1").mkdir(parents=True)
    (root / "..v1" / "a.yaml").write_text("a: 1\n")
    (root / "..data").symlink_to("..v1")
    (root / "a.yaml").symlink_to("..data/a.yaml")
    with _watch(root, inbox):
        (root / "..v2").mkdir()
        (root / "..v2" / "a.yaml").write_text("a: 2\n")
        _reload(inbox)
        (root / "..data_tmp").symlink_to("..v2")
        (root / "..data_tmp").replace(root / "..data")
        _reload(inbox)


def test_inotify_limit_falls_back_to_polling(jobs: Path, inbox: QueueInbox) -> None:
    """ENOSPC from inotify switches to the polling observer, which still sees changes."""

    def factory(polling: bool, interval_s: float) -> Any:
        if polling:
            return make_observer(True, interval_s)
        observer = make_observer(False, interval_s)

        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

        observer.schedule = refuse
        return observer

    with _watch(jobs, inbox, observer_factory=factory, poll_interval_s=0.05) as watcher:
        assert watcher.active_mode is WatchMode.POLL
        (jobs / "f.yaml").write_text("f: 1\n")
        _reload(inbox)


def test_off_mode_watches_nothing(jobs: Path, inbox: QueueInbox) -> None:
    """--watch=off starts no threads and requests nothing."""
    with _watch(jobs, inbox, mode=WatchMode.OFF) as watcher:
        (jobs / "g.yaml").write_text("g: 1\n")
        assert watcher.active_mode is WatchMode.OFF
        assert inbox.get(timeout=0.1) is None


def test_fake_watcher_delivers_a_reload() -> None:
    """FakeWatcher records start/stop and turns change() into one ReloadRequested."""
    inbox = QueueInbox()
    with FakeWatcher(inbox) as watcher:
        watcher.change("edited")
        assert watcher.started
    assert watcher.stopped
    assert inbox.get(timeout=0) == ReloadRequested("edited")


def test_root_missing_at_start_is_picked_up(tmp_path: Path, inbox: QueueInbox) -> None:
    """A definitions directory created after the watcher started is watched from then on."""
    root = tmp_path / "later"
    with _watch(root, inbox):
        root.mkdir()
        _reload_saying(inbox, "replaced")
        (root / "a.yaml").write_text("a: 1\n")
        _reload_saying(inbox, "files changed")
