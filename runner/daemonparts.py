"""What the daemon loop works with, built by `commands/forever.py` and faked in tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from runner.clock import Clock
from runner.inbox import Inbox
from runner.jobtypes import JobTypeRegistry
from runner.memory import MemoryGuard
from runner.reload import Scanner
from runner.sdnotify import Notifier, WatchdogPinger
from runner.state import StateStore
from runner.stop import StopRequest


@dataclass
class DaemonParts:
    """What the loop works with; built by `commands/forever.py`, faked in tests."""

    store: StateStore
    clock: Clock
    inbox: Inbox
    scanner: Scanner
    registry: JobTypeRegistry
    notifier: Notifier
    memory: MemoryGuard
    stop: StopRequest
    default_timeout: timedelta
    pinger: WatchdogPinger | None = None
    reap_orphans: bool = False
    environ: dict[str, str] | None = None
