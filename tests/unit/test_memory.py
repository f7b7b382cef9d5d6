"""Tests for runner.memory: the RSS probe and the guard's decision."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner.memory import MemoryGuard, current_rss
from runner.testing import FakeRss

MIB = 1 << 20


def test_current_rss_reads_statm_pages(tmp_path: Path) -> None:
    """RSS is the second statm field times the page size."""
    statm = tmp_path / "statm"
    statm.write_text("5000 300 100 10 0 200 0\n", encoding="ascii")
    assert current_rss(statm) == 300 * os.sysconf("SC_PAGE_SIZE")


def test_current_rss_of_this_process_is_plausible() -> None:
    """The real probe reports between 1 MiB and 2 GiB for the test process."""
    assert MIB < current_rss() < 2048 * MIB


def test_no_exit_before_the_first_load() -> None:
    """Without a post-load measurement the guard never asks to exit."""
    assert MemoryGuard(10 * MIB, FakeRss(500 * MIB)).should_exit() == (False, "")


def test_exit_needs_both_the_limit_and_doubling() -> None:
    """Exit only when RSS is above the limit and above twice the post-load RSS."""
    rss = FakeRss(40 * MIB)
    guard = MemoryGuard(256 * MIB, rss)
    guard.mark_loaded()
    rss.value = 200 * MIB
    assert not guard.should_exit().exit
    rss.value = 300 * MIB
    verdict = guard.should_exit()
    assert verdict.exit
    assert "300.0 MiB exceeds the limit 256.0 MiB" in verdict.reason
    assert "40.0 MiB" in verdict.reason


def test_large_load_is_not_a_leak() -> None:
    """Above the limit but less than twice the post-load RSS does not exit."""
    rss = FakeRss(200 * MIB)
    guard = MemoryGuard.from_text("256M", rss)
    guard.mark_loaded()
    rss.value = 390 * MIB
    assert not guard.should_exit().exit


def test_limit_below_load_is_noticed_once() -> None:
    """A limit below the post-load RSS gives one notice, not one per load."""
    rss = FakeRss(300 * MIB)
    guard = MemoryGuard.from_text("256M", rss)
    guard.mark_loaded()
    notice = guard.take_notice()
    assert notice is not None
    assert "Raise --memory-limit" in notice
    assert guard.take_notice() is None
    guard.mark_loaded()
    assert guard.take_notice() is None
    assert not guard.should_exit().exit


def test_zero_limit_disables_the_guard() -> None:
    """A limit of 0 never asks to exit and never notices."""
    rss = FakeRss(300 * MIB)
    guard = MemoryGuard(0, rss)
    guard.mark_loaded()
    rss.value = 3000 * MIB
    assert guard.should_exit() == (False, "")
    assert guard.take_notice() is None


def test_bad_limit_text_is_refused() -> None:
    """A limit that is not a size raises ValueError naming the accepted forms."""
    with pytest.raises(ValueError, match="256M"):
        MemoryGuard.from_text("lots")
