"""Fixtures for the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.daemonproc import DaemonProcess


@pytest.fixture
def daemons() -> Iterator[list[DaemonProcess]]:
    """Daemons a test starts (it appends them); killed at teardown if still running."""
    started: list[DaemonProcess] = []
    yield started
    for process in started:
        process.close()
