"""Tests for runner.inbox: the daemon loop's one queue."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from types import FrameType

import pytest

from runner.commands.forever import daemon_signals
from runner.inbox import (
    PauseChanged,
    QueueInbox,
    ReloadRequested,
    RunRequested,
    Stop,
    Wake,
    coalesce,
)
from runner.stop import StopRequest
from runner.testing import FakeClock, FakeInbox
from tests.unit.mainthread import main_thread_waits_in


def test_get_returns_none_after_timeout_when_empty() -> None:
    """An empty inbox answers None once the (zero) timeout passed."""
    assert QueueInbox().get(timeout=0) is None


def test_messages_come_out_in_order() -> None:
    """Messages other than reload requests keep the order they were put in."""
    inbox = QueueInbox()
    sent = [Stop(immediate=False), RunRequested("r1"), PauseChanged(), Wake()]
    for message in sent:
        inbox.put(message)
    assert [inbox.get(timeout=0) for _ in sent] == sent
    assert inbox.get(timeout=0) is None


def test_queued_reload_requests_coalesce_into_the_first() -> None:
    """Several queued reload requests come out as one, at the first one's place."""
    inbox = QueueInbox()
    inbox.put(RunRequested("r1"))
    inbox.put(ReloadRequested("files changed"))
    inbox.put(Stop(immediate=False))
    inbox.put(ReloadRequested("SIGHUP"))
    inbox.put(ReloadRequested("files changed"))
    assert inbox.get(timeout=0) == RunRequested("r1")
    assert inbox.get(timeout=0) == ReloadRequested("files changed; SIGHUP")
    assert inbox.get(timeout=0) == Stop(immediate=False)
    assert inbox.get(timeout=0) is None


def test_coalesce_leaves_a_single_reload_alone() -> None:
    """coalesce returns its input unchanged when there is at most one reload request."""
    messages = [Wake(), ReloadRequested("x"), Wake()]
    assert coalesce(messages) is messages


def test_put_from_another_thread_wakes_a_blocked_get() -> None:
    """A put from another thread ends a blocked get long before its timeout."""
    inbox = QueueInbox()
    thread = threading.Thread(target=inbox.put, args=(Wake(),))
    thread.start()
    assert inbox.get(timeout=5) == Wake()
    thread.join()


@pytest.fixture
def usr1_to_inbox() -> Iterator[QueueInbox]:
    """A SIGUSR1 handler that puts Stop into a fresh inbox (restored afterwards)."""
    inbox = QueueInbox()

    def handler(_signum: int, _frame: FrameType | None) -> None:
        inbox.put(Stop(immediate=True))

    previous = signal.signal(signal.SIGUSR1, handler)
    yield inbox
    signal.signal(signal.SIGUSR1, previous)


def test_signal_handler_put_wakes_a_blocked_get(usr1_to_inbox: QueueInbox) -> None:
    """A signal whose handler puts a message ends the main thread's blocked get."""
    thread = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGUSR1))
    thread.start()
    assert usr1_to_inbox.get(timeout=5) == Stop(immediate=True)
    thread.join()


@pytest.mark.parametrize("make", [QueueInbox, FakeInbox], ids=["real", "fake"])
def test_contract_order_and_coalescing(make: type[QueueInbox] | type[FakeInbox]) -> None:
    """Real and fake inbox agree: FIFO order, reload requests merged, None when empty."""
    inbox = make()
    for message in (Wake(), ReloadRequested("a"), PauseChanged(), ReloadRequested("b")):
        inbox.put(message)
    received = [inbox.get(timeout=0) for _ in range(4)]
    assert received == [Wake(), ReloadRequested("a; b"), PauseChanged(), None]


def test_fake_inbox_advances_the_fake_clock_when_idle() -> None:
    """FakeInbox returns None and moves the fake clock by the timeout when it is empty."""
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    inbox = FakeInbox(clock)
    before = clock.monotonic()
    assert inbox.get(timeout=60) is None
    inbox.put(ReloadRequested("a"))
    inbox.put(ReloadRequested("b"))
    assert inbox.get(timeout=60) == ReloadRequested("a; b")
    assert clock.monotonic() == before + 60
    assert inbox.waits == [60, 60]


def test_signal_caught_in_another_thread_ends_the_daemons_wait() -> None:
    """SIGTERM whose C-level handler runs in another thread (the kernel may pick any thread,
    and a signal just before the wait blocks is the same case) ends the daemon's blocked get
    at once through the wakeup fd: it used to wait out its timeout (up to 60 s)."""
    inbox, stop = QueueInbox(), StopRequest()
    seen: list[bool] = []

    def sender() -> None:
        seen.append(main_thread_waits_in(QueueInbox.get.__code__))
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

    with daemon_signals(inbox, stop):
        thread = threading.Thread(target=sender)
        thread.start()
        message = inbox.get(timeout=20)
        thread.join()
    stop.close()
    assert seen == [True]
    assert message == Stop(immediate=False)
    assert stop.level == 1
