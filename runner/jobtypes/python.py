"""Job types written in Python. They run in a worker child (`python -m runner.worker`), in
their own process group like every job, so a hung or leaking plugin is killed like any command.

A plugin subclasses `PythonJobType`, sets `name` and `settings_schema`, and implements `run`:

    class Cleanup(PythonJobType):
        name = "cleanup"
        settings_schema = {"type": "object", "properties": {"days": {"type": "integer"}}}

        def run(self, ctx: JobContext) -> None:
            if not ctx.work_dir.exists():
                raise JobFailed("nothing to clean")

`run` returning is success; `JobFailed(message)` is a failure with exit code 1 (or the one
given) and the message in the output; any other exception is a failure with exit code 70 and
its traceback in the output. SIGTERM (timeout, runner stopping) sets `ctx.stop`.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.jobtypes.base import LaunchContext, LaunchSpec, SettingsProblem
from runner.model import JobDef

WORKER_SPEC_VARIABLE = "JOBRUNNER_WORKER_SPEC"
"""The variable that carries the worker's instructions (type, factory, settings) as JSON."""


class JobFailed(Exception):  # noqa: N818 - reads as what happened, like StopIteration
    """Raised by `PythonJobType.run` to report a failure: the worker prints the message to
    the run's output and exits with `exit_code` (default 1)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a Python job type's `run` gets."""

    job: str
    run_id: str
    settings: Mapping[str, Any]
    logger: logging.Logger
    """Writes to the run's output file."""
    deadline: datetime | None
    """When the runner will send SIGTERM (the job's timeout)."""
    stop: threading.Event
    """Set when the runner asks the job to stop (SIGTERM); check it in long loops."""
    work_dir: Path | None
    """The job's persistent work directory (kept between runs)."""
    definitions_dir: Path | None = None
    """The runner's definitions directory (absolute), as the runner resolved it."""

    @property
    def stop_requested(self) -> bool:
        """Whether the runner asked the job to stop."""
        return self.stop.is_set()


class PythonJobType:
    """Base class of job types written in Python; subclasses implement `run`."""

    name: str = ""
    settings_schema: Mapping[str, Any] = {"type": "object"}

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Checks beyond the schema; none by default."""
        return []

    def launch(self, job: JobDef, context: LaunchContext) -> LaunchSpec:
        """A worker child that runs this type's `run` for `job`, in the job file's directory."""
        cls = type(self)
        payload = {
            "type": self.name,
            "factory": f"{cls.__module__}:{cls.__qualname__}",
            "settings": dict(job.settings),
            "root": str(context.root),
        }
        return LaunchSpec(
            argv=(sys.executable, "-m", "runner.worker"),
            cwd=(context.root / job.directory).resolve(),
            env={WORKER_SPEC_VARIABLE: json.dumps(payload)},
        )

    def run(self, ctx: JobContext) -> None:
        """Do the job's work; return for success, raise `JobFailed` for a failure."""
        raise NotImplementedError(f"job type {self.name!r} does not implement run()")
