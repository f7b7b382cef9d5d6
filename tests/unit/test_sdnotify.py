"""Tests for runner.sdnotify against real Unix datagram sockets."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner import sdnotify
from runner.sdnotify import SocketNotifier, WatchdogPinger, socket_address, watchdog_interval
from runner.testing import FakeNotifier


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    """A bound datagram socket in tmp_path and its NOTIFY_SOCKET value."""
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(path)
        sock.settimeout(5)
        yield path, sock


@pytest.fixture
def abstract_socket() -> Iterator[tuple[str, socket.socket]]:
    """A bound abstract-namespace datagram socket and its `@name` NOTIFY_SOCKET value."""
    name = f"jobrunner-test-{os.getpid()}-{id(object())}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        yield "@" + name, sock


def test_ready_with_status_reaches_a_path_socket(path_socket: tuple[str, socket.socket]) -> None:
    """READY=1 and STATUS= arrive as one datagram on a filesystem socket."""
    address, sock = path_socket
    assert sdnotify.ready(SocketNotifier(address), "idle; next: a at 14:05")
    assert sock.recv(4096) == b"READY=1\nSTATUS=idle; next: a at 14:05"


def test_reloading_reaches_an_abstract_socket(abstract_socket: tuple[str, socket.socket]) -> None:
    """RELOADING=1 with MONOTONIC_USEC arrives on an abstract `@name` socket."""
    address, sock = abstract_socket
    assert sdnotify.reloading(SocketNotifier(address), "reloading", monotonic=12.5)
    assert sock.recv(4096) == b"RELOADING=1\nMONOTONIC_USEC=12500000\nSTATUS=reloading"


def test_module_notify_uses_the_environment(
    path_socket: tuple[str, socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    """notify() sends to NOTIFY_SOCKET of the process and returns False without it."""
    address, sock = path_socket
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    assert sdnotify.notify("STOPPING=1")
    assert sock.recv(4096) == b"STOPPING=1"
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert not sdnotify.notify("STOPPING=1")


def test_send_failure_is_reported_not_raised(tmp_path: Path) -> None:
    """A socket path nobody listens on makes notify return False instead of raising."""
    assert not SocketNotifier(str(tmp_path / "absent")).notify("READY=1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("@x", "\0x"), ("/run/n", "/run/n"), ("vsock:2:3", None)],
)
def test_socket_address_forms(value: str | None, expected: str | None) -> None:
    """Paths and @abstract names are used; empty and other forms disable notifying."""
    assert socket_address(value) == expected


def test_status_and_stopping_lines() -> None:
    """status() flattens newlines; stopping() sends STOPPING=1 with a status."""
    fake = FakeNotifier()
    sdnotify.status(fake, "running a\nfor 12s")
    sdnotify.stopping(fake, "stopping")
    assert fake.messages == [("STATUS=running a for 12s",), ("STOPPING=1", "STATUS=stopping")]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "60000000"}, 30.0),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "4242"}, 30.0),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval(env: dict[str, str], expected: float | None) -> None:
    """The ping interval is half of WATCHDOG_USEC, and only for the process WATCHDOG_PID names."""
    assert watchdog_interval(env, pid=4242) == expected


def test_pinger_pings_at_most_once_per_interval() -> None:
    """maybe_ping sends WATCHDOG=1 at once, then only when the interval has passed."""
    fake = FakeNotifier()
    pinger = WatchdogPinger(fake, interval_s=10.0)
    sent = [pinger.maybe_ping(t) for t in (100.0, 105.0, 109.9, 110.0, 119.0, 120.5)]
    assert sent == [True, False, False, True, False, True]
    assert pinger.next_due() == 130.5
    assert fake.lines() == ["WATCHDOG=1"] * 3


def test_pinger_without_watchdog_does_nothing() -> None:
    """A pinger built without WATCHDOG_USEC never sends and has no due time."""
    fake = FakeNotifier()
    pinger = WatchdogPinger.from_environ(fake, {})
    assert not pinger.maybe_ping(1.0)
    assert pinger.next_due() is None
    assert fake.messages == []
