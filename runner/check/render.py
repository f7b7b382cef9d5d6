"""The plugin output of `jobrunner check` (Nagios plugin guidelines, Icinga 2 alike).

```
JOBRUNNER CRITICAL - 1 CRITICAL, 1 WARNING: backup failed, jobrunner paused | jobs=12;;;0 ...
[CRITICAL] backup: last run failed at 2026-11-25T07:00:03.512Z (47m ago) (exit 3; ...)
[WARNING] jobrunner: paused: job starts are paused by alice@web1 since ... (jobrunner resume)
state: /var/lib/jobrunner/state.json
```
The first line is the status and the performance data; each further line is one problem,
then context. A `|` anywhere else would start performance data, so text never contains one.
"""

from __future__ import annotations

import re

from runner.check.model import CheckResult, Problem

MAX_ERROR_CHARS = 300
_SPACES = re.compile(r"\s+")


def render(result: CheckResult) -> str:
    """The full plugin output (without a trailing newline)."""
    head = f"JOBRUNNER {result.state.name} - {clean(result.summary)}"
    if result.perfdata:
        head += " | " + " ".join(item.render() for item in result.perfdata)
    lines = [head, *(problem_line(p) for p in result.problems)]
    lines.extend(clean(note) for note in result.notes)
    return "\n".join(lines)


def problem_line(problem: Problem) -> str:
    """`[CRITICAL] backup: last run failed ...; error: disk full; output: /path`."""
    line = f"[{problem.state.name}] {problem.subject}: {problem.detail}"
    if problem.error:
        error = clean(problem.error)
        if len(error) > MAX_ERROR_CHARS:
            error = error[: MAX_ERROR_CHARS - 1] + "…"
        line += f"; error: {error}"
    if problem.output:
        line += f"; output: {problem.output}"
    return clean(line)


def clean(text: str) -> str:
    """One line without `|` (it would start perfdata) and without control characters."""
    return _SPACES.sub(" ", text.replace("|", "/")).strip()
