"""`jobrunner check`: a monitoring plugin in the Nagios/Icinga convention.

`gather` reads the state, `daemon.json`, `pause.json`, `last_pass.json` and the definitions
into a `CheckInput` (the only I/O); `evaluate` judges it at an injected `now` (pure);
`render` writes the plugin output (status line with perfdata, then one line per problem).
"""

from __future__ import annotations

from runner.check.evaluate import evaluate
from runner.check.model import CheckResult, Limits, Mode, Perf, Problem, unknown
from runner.check.render import render
from runner.check.view import BusyRun, CheckInput, DaemonView, DefinitionsView

__all__ = [
    "BusyRun",
    "CheckInput",
    "CheckResult",
    "DaemonView",
    "DefinitionsView",
    "Limits",
    "Mode",
    "Perf",
    "Problem",
    "evaluate",
    "render",
    "unknown",
]
