"""systemd's notify protocol without a dependency (`sd_notify(3)`).

A message is a few `KEY=value` lines in one datagram to the Unix socket named by
`NOTIFY_SOCKET`: a path, or an abstract name written with a leading `@`. Outside systemd the
variable is absent and every call is a cheap no-op that returns False.

Sequence the daemon sends: `READY=1` after the first load (good or degraded);
`RELOADING=1` + `MONOTONIC_USEC=` then `READY=1` around each reload (even a refused one);
`STATUS=` lines; `STOPPING=1` on shutdown; `WATCHDOG=1` at half of `WatchdogSec` from the loop
and from the executor's wait loop (never from a free-running thread: it must prove progress).
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from runner import clock


class Notifier(Protocol):
    """Sends notify lines to the service manager."""

    def notify(self, *lines: str) -> bool:
        """Send `lines` as one message; True when it was sent."""
        ...


def socket_address(value: str | None) -> str | None:
    """The `connect()` address for a `NOTIFY_SOCKET` value, or None when unusable.

    `@name` is the abstract name `\\0name`; other forms than a path or `@` (e.g. `vsock:`) are
    not supported and give None.
    """
    if not value:
        return None
    if value.startswith("@"):
        return "\0" + value[1:]
    return value if value.startswith("/") else None


class SocketNotifier:
    """The real notifier: one datagram per message to `address` (a path or `@abstract`)."""

    def __init__(self, address: str | None) -> None:
        self._address = socket_address(address)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> SocketNotifier:
        """A notifier for `NOTIFY_SOCKET` in `environ` (default: the process environment)."""
        return cls((os.environ if environ is None else environ).get("NOTIFY_SOCKET"))

    @property
    def enabled(self) -> bool:
        """Whether there is a socket to talk to."""
        return self._address is not None

    def notify(self, *lines: str) -> bool:
        """Send `lines` joined by newlines; False when disabled or the send failed.

        A failed send is not an error for the daemon: systemd may be restarting, and a missed
        status line must never stop jobs.
        """
        if self._address is None or not lines:
            return False
        payload = "\n".join(lines).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(payload)
        except OSError:
            return False
        return True


def notify(*lines: str) -> bool:
    """Send `lines` to `NOTIFY_SOCKET` of this process; False outside systemd."""
    return SocketNotifier.from_environ().notify(*lines)


def _with_status(lines: list[str], status: str | None) -> tuple[str, ...]:
    if status is not None:
        lines.append("STATUS=" + status.replace("\n", " "))
    return tuple(lines)


def ready(notifier: Notifier, status: str | None = None) -> bool:
    """`READY=1` (start-up finished, or a reload ended), with an optional `STATUS=`."""
    return notifier.notify(*_with_status(["READY=1"], status))


def reloading(
    notifier: Notifier, status: str | None = None, monotonic: float | None = None
) -> bool:
    """`RELOADING=1` with `MONOTONIC_USEC=` (required by `Type=notify-reload`).

    `monotonic` is `CLOCK_MONOTONIC` in seconds (what `runner.clock.monotonic()` returns on
    Linux); default: now. Follow it with `ready()` when the reload is over, even a refused one.
    """
    seconds = clock.monotonic() if monotonic is None else monotonic
    lines = ["RELOADING=1", f"MONOTONIC_USEC={int(seconds * 1_000_000)}"]
    return notifier.notify(*_with_status(lines, status))


def stopping(notifier: Notifier, status: str | None = None) -> bool:
    """`STOPPING=1`: shutdown has begun."""
    return notifier.notify(*_with_status(["STOPPING=1"], status))


def status(notifier: Notifier, text: str) -> bool:
    """`STATUS=text`, shown by `systemctl status` (newlines become spaces)."""
    return notifier.notify(*_with_status([], text))


def watchdog_interval(
    environ: Mapping[str, str] | None = None, pid: int | None = None
) -> float | None:
    """Seconds between `WATCHDOG=1` pings (half of `WATCHDOG_USEC`), or None when not asked.

    None also when `WATCHDOG_PID` names another process (the variable was inherited) or the
    value is not a positive integer.
    """
    env = os.environ if environ is None else environ
    usec, owner = env.get("WATCHDOG_USEC", ""), env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if owner and (not owner.isdigit() or int(owner) != (os.getpid() if pid is None else pid)):
        return None
    return int(usec) / 2_000_000


@dataclass
class WatchdogPinger:
    """Sends `WATCHDOG=1` when due; cheap to call from every loop turn (`maybe_ping(now)`).

    `interval_s` None disables it (no `WatchdogSec`). Times are monotonic seconds.
    """

    notifier: Notifier
    interval_s: float | None
    _next_due: float = field(default=-math.inf, init=False)

    @classmethod
    def from_environ(
        cls, notifier: Notifier, environ: Mapping[str, str] | None = None
    ) -> WatchdogPinger:
        """A pinger for `WATCHDOG_USEC` / `WATCHDOG_PID` in `environ` (default: os.environ)."""
        return cls(notifier, watchdog_interval(environ))

    def maybe_ping(self, now: float) -> bool:
        """Ping if one is due at monotonic `now`; True when a ping was sent."""
        if self.interval_s is None or now < self._next_due:
            return False
        self._next_due = now + self.interval_s
        return self.notifier.notify("WATCHDOG=1")

    def next_due(self) -> float | None:
        """The monotonic time of the next ping (cap waits by it), or None when disabled."""
        return None if self.interval_s is None else self._next_due
