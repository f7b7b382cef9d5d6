"""A job's environment (SPEC §5): the runner's, minus its service variables, plus the job's
`env` and the `JOBRUNNER_*` context variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from runner.state.timefmt import format_instant

STRIPPED = frozenset({"NOTIFY_SOCKET", "INVOCATION_ID", "JOURNAL_STREAM"})
"""Variables that belong to the runner's service and would confuse a job (a job that sends
`READY=1` or `WATCHDOG=1` to the runner's socket would lie about the runner)."""
STRIPPED_PREFIXES = ("WATCHDOG_", "LISTEN_")


def base_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The runner's environment without its service variables (compute once per pass)."""
    return {
        key: value
        for key, value in environ.items()
        if key not in STRIPPED and not key.startswith(STRIPPED_PREFIXES)
    }


@dataclass(frozen=True, slots=True)
class JobContextVars:
    """The context a job sees as `JOBRUNNER_*` variables; unknown values are empty strings."""

    job: str
    run_id: str
    deadline: datetime
    revision: str | None = None
    due_at: datetime | None = None
    last_success: datetime | None = None
    last_result: str | None = None
    work_dir: Path | None = None

    def as_environment(self) -> dict[str, str]:
        """`JOBRUNNER_JOB`, `_RUN_ID`, `_REVISION`, `_DUE_AT`, `_DEADLINE`, `_LAST_SUCCESS`,
        `_LAST_RESULT`, `_WORK_DIR`; instants in ISO 8601 UTC with milliseconds."""
        return {
            "JOBRUNNER_JOB": self.job,
            "JOBRUNNER_RUN_ID": self.run_id,
            "JOBRUNNER_REVISION": self.revision or "",
            "JOBRUNNER_DUE_AT": _instant(self.due_at),
            "JOBRUNNER_DEADLINE": _instant(self.deadline),
            "JOBRUNNER_LAST_SUCCESS": _instant(self.last_success),
            "JOBRUNNER_LAST_RESULT": self.last_result or "",
            "JOBRUNNER_WORK_DIR": "" if self.work_dir is None else str(self.work_dir),
        }


def _instant(at: datetime | None) -> str:
    return "" if at is None else format_instant(at)


def job_environment(
    base: Mapping[str, str], job_env: Mapping[str, str], context: JobContextVars
) -> dict[str, str]:
    """`base` (see `base_environment`), then the job's `env`, then the context variables."""
    env = dict(base)
    env.update(job_env)
    env.update(context.as_environment())
    return env
