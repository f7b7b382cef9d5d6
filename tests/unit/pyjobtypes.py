"""Python job types used by the worker tests (imported by the worker child)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from runner.jobtypes.python import JobContext, JobFailed, PythonJobType


class Greeter(PythonJobType):
    """Logs a greeting and writes the settings into the work directory."""

    name = "greeter"
    settings_schema: Mapping[str, Any] = MappingProxyType(
        {"type": "object", "properties": {"who": {"type": "string"}}}
    )

    def run(self, ctx: JobContext) -> None:
        """Greet `who`; record the context seen."""
        ctx.logger.info("hello %s from %s", ctx.settings["who"], ctx.job)
        assert ctx.work_dir is not None
        assert ctx.deadline is not None
        (ctx.work_dir / "seen.txt").write_text(f"{ctx.run_id} {ctx.deadline.isoformat()}")


class Refuser(PythonJobType):
    """Reports a failure the way a type should."""

    name = "refuser"

    def run(self, ctx: JobContext) -> None:
        """Fail with a message."""
        raise JobFailed("cmdb unreachable")


class Crasher(PythonJobType):
    """Has a bug."""

    name = "crasher"

    def run(self, ctx: JobContext) -> None:
        """Raise an unexpected exception."""
        raise ZeroDivisionError("division by zero in the plugin")


class Patient(PythonJobType):
    """Waits until the runner asks it to stop, then ends cleanly."""

    name = "patient"

    def run(self, ctx: JobContext) -> None:
        """Announce readiness, wait for the stop request."""
        print("ready", flush=True)
        if not ctx.stop.wait(30):
            raise JobFailed("never asked to stop")
        print("stopping cleanly", flush=True)
