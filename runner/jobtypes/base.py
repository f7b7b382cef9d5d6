"""The job-type protocol: what a type accepts (a settings schema) and how its run starts.

Every job runs in a child process in its own process group, whatever its type (SPEC §3):
a type only says *what* to start (`LaunchSpec`); `runner.executor` starts, watches, times
out and records it the same way for all types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from runner.model import JobDef


class LaunchError(Exception):
    """A job could not be started (missing env variable, unreadable secret file, ...).

    The message must say what failed and what to do, and must never contain a secret value.
    """


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """A finding about a job's `settings` beyond what the JSON Schema can say."""

    path: tuple[str | int, ...]
    """Where inside `settings` (e.g. `("env", "TOKEN")`); () for `settings` itself."""
    message: str
    hint: str | None = None
    is_error: bool = True


@dataclass(frozen=True, slots=True)
class LaunchSpec:
    """What to start for one run of a job: argv, working directory and environment additions."""

    argv: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    """Job-specific variables, already resolved; layered over the runner's environment."""
    secrets: frozenset[str] = frozenset()
    """Resolved values that must never appear in logs, state, status or metrics."""
    user: int | None = None
    """The uid the child switches to before exec (None: the runner's); needs a root runner."""
    group: int | None = None
    """The gid the child switches to before exec (None: the runner's)."""
    extra_groups: tuple[int, ...] | None = None
    """The child's supplementary groups (None: the runner's); set together with `user`."""


@dataclass(frozen=True, slots=True)
class LaunchContext:
    """What a type may use to build its LaunchSpec."""

    root: Path
    """The definitions directory (absolute); a job's file lives below it."""
    environ: Mapping[str, str]
    """The runner's environment, for `${NAME}` references."""


@runtime_checkable
class JobType(Protocol):
    """A kind of job: a name, a JSON Schema for `settings`, and how a run starts."""

    @property
    def name(self) -> str:
        """The value of `type:` in a job definition."""
        ...

    @property
    def settings_schema(self) -> Mapping[str, Any]:
        """A Draft 2020-12 JSON Schema that a job's `settings` must satisfy."""
        ...

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Checks beyond the schema; called only when the schema accepted `settings`."""
        ...

    def launch(self, job: JobDef, context: LaunchContext) -> LaunchSpec:
        """What to start for a run of `job`; raise `LaunchError` when that is impossible."""
        ...
