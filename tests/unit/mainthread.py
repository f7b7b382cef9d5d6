"""Waiting, from another thread, until the main thread sits in a given function: the moment
a signal can no longer reach it through a Python handler before it blocks."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import CodeType

from runner.clock import monotonic


def main_thread_waits_in(
    code: CodeType, also: Callable[[], bool] = lambda: True, within_s: float = 10.0
) -> bool:
    """Whether, within `within_s`, the main thread's innermost Python frame runs `code` (it is
    blocked in a C call made from there, such as `poll`) while `also()` holds."""
    main = threading.main_thread().ident
    assert main is not None
    pause = threading.Event()
    until = monotonic() + within_s
    while monotonic() < until:
        frame = sys._current_frames().get(main)
        if frame is not None and frame.f_code is code and also():
            return True
        pause.wait(0.005)
    return False
