"""The loaded definitions: plain, immutable values shared by lint, planner and daemon.

The loader (`runner.definitions`) builds these from YAML; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runner.timeperiods import TimePeriod


@dataclass(frozen=True, slots=True)
class Source:
    """Where a definition was written: file relative to the definitions root, 1-based line."""

    file: str
    line: int
    column: int = 1


@dataclass(frozen=True, slots=True)
class HookDef:
    """A failure/recovery hook: a command run with the job's outcome in its environment."""

    argv: tuple[str, ...]
    timeout: timedelta = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Defaults:
    """Tree-wide settings (`kind: Defaults`, at most one per tree)."""

    timezone: str | None = None
    timeout: timedelta | None = None
    history: int = 20
    on_failure: HookDef | None = None
    on_recovery: HookDef | None = None
    source: Source | None = field(default=None, compare=False)
    """Where it was defined; not part of equality, so moving a definition changes nothing."""


@dataclass(frozen=True, slots=True)
class TimePeriodDef:
    """A `kind: TimePeriod` document as written, plus the zone it resolved to."""

    name: str
    ranges: tuple[tuple[str, str], ...]
    timezone: str
    """The zone in force: the period's own, else Defaults, else --timezone, else the system."""
    timezone_origin: str
    """Where the zone came from: `timeperiod`, `defaults`, `option` or `system`."""
    display_name: str | None = None
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    prefer_includes: bool = True
    source: Source | None = field(default=None, compare=False)
    """Where it was defined; not part of equality, so moving a definition changes nothing."""


@dataclass(frozen=True, slots=True)
class JobDef:
    """A `kind: Job` document after validation. `settings` is the job type's own data."""

    name: str
    type: str
    interval: timedelta
    settings: Mapping[str, Any]
    description: str | None = None
    timeperiod: str | None = None
    once_per_window: bool = False
    disabled: bool = False
    timeout: timedelta | None = None
    """The job's own timeout; `Definitions.timeout_for` applies Defaults and the CLI default."""
    renamed_from: tuple[str, ...] = ()
    on_failure: HookDef | None = None
    on_recovery: HookDef | None = None
    source: Source | None = field(default=None, compare=False)
    """Where it was defined; not part of equality, so moving a definition changes nothing."""

    @property
    def directory(self) -> str:
        """The directory of the defining file, relative to the root (`.` at the top)."""
        if self.source is None:
            return "."
        parent = Path(self.source.file).parent.as_posix()
        return parent or "."


@dataclass(frozen=True)
class Definitions:
    """A complete, valid set of definitions: what one reload or one `run` works with."""

    root: Path
    jobs: Mapping[str, JobDef] = field(default_factory=dict)
    timeperiod_defs: Mapping[str, TimePeriodDef] = field(default_factory=dict)
    timeperiods: Mapping[str, TimePeriod] = field(default_factory=dict)
    """Built, composed period objects, by name."""
    defaults: Defaults = field(default_factory=Defaults)
    files: int = 0
    """How many definition files were read."""

    def timeout_for(self, job: JobDef, default: timedelta) -> timedelta:
        """The job's timeout: its own, else Defaults.timeout, else `default` (--default-timeout)."""
        return job.timeout or self.defaults.timeout or default
