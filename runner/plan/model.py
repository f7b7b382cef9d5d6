"""What `jobrunner plan` found: plain values the diff builds and the renderers format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from runner.diagnostics import Diagnostic
from runner.model import Source

WINDOW_DAYS = 14
"""Hours gained and lost by a period change are counted over this many calendar days."""


def where(source: Source | None) -> tuple[str | None, int | None]:
    """The file and line of a definition, (None, None) when unknown."""
    return (source.file, source.line) if source else (None, None)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field of a job, period or Defaults, in words (`interval 15m -> 5m`)."""

    field: str
    """The field as written in the YAML (`interval`, `settings.argv`, `ranges.monday`)."""
    before: str | None
    """The old value as text, None when it was not set (or is not shown, e.g. env values)."""
    after: str | None
    """The new value as text, None when it is no longer set (or is not shown)."""
    text: str
    """The change in words, e.g. `now runs only in business-hours`."""


@dataclass(frozen=True, slots=True)
class JobSummary:
    """An added or removed job: where it is written and how often it runs."""

    name: str
    file: str | None
    line: int | None
    schedule: str
    """`every 15m`, `every 1h in business-hours`, `once per window of nightly`, `disabled`."""
    next_due: datetime | None = None
    """For an added job: when it first becomes due (UTC), None for never."""
    next_due_zone: str = "UTC"
    """The zone to show `next_due` in (its period's, else UTC)."""


@dataclass(frozen=True, slots=True)
class JobChange:
    """A job present at both revisions (under the same or a new name) whose fields differ."""

    name: str
    file: str | None
    line: int | None
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class Rename:
    """A job that now has a new name."""

    old: str
    new: str
    explicit: bool
    """True when the new job lists the old name in `renamed_from` (its state moves over);
    False when it was recognised by identical settings (its state does not move)."""
    file: str | None
    line: int | None
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    """A half-open stretch of time [start, end), aware, in the period's zone."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        """The elapsed time of the stretch (UTC arithmetic, right across DST changes)."""
        return timedelta(seconds=self.end.timestamp() - self.start.timestamp())


@dataclass(frozen=True, slots=True)
class PeriodChange:
    """A time period present at both revisions whose instants or fields differ."""

    name: str
    timezone: str
    """The head revision's zone: gained and lost stretches are shown in it."""
    file: str | None
    line: int | None
    changes: tuple[FieldChange, ...]
    gained: tuple[Segment, ...]
    """Stretches active at head but not at base within the window."""
    lost: tuple[Segment, ...]
    """Stretches active at base but not at head within the window."""
    jobs: tuple[str, ...]
    """Head jobs that use the period."""

    @property
    def gained_time(self) -> timedelta:
        """Total time gained in the window."""
        return sum((s.length for s in self.gained), timedelta())

    @property
    def lost_time(self) -> timedelta:
        """Total time lost in the window."""
        return sum((s.length for s in self.lost), timedelta())


@dataclass(frozen=True, slots=True)
class PeriodSummary:
    """An added or removed time period and how long it is active in the window."""

    name: str
    timezone: str
    file: str | None
    line: int | None
    active: timedelta
    """Active time within the window."""


@dataclass(frozen=True, slots=True)
class Start:
    """A job that starts right after the merge."""

    name: str
    reason: str
    """`new`, `renamed without renamed_from` or `newly due`."""
    why: str
    """The detail in words (e.g. `interval 15m -> 5m: last attempt 7m ago`)."""
    due_at: datetime


@dataclass(frozen=True)
class PlanDiff:
    """Everything `plan` reports about moving from the base to the head revision."""

    now: datetime
    window_days: int = WINDOW_DAYS
    added: list[JobSummary] = field(default_factory=list)
    removed: list[JobSummary] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    changed: list[JobChange] = field(default_factory=list)
    periods_added: list[PeriodSummary] = field(default_factory=list)
    periods_removed: list[PeriodSummary] = field(default_factory=list)
    periods_changed: list[PeriodChange] = field(default_factory=list)
    defaults: list[FieldChange] = field(default_factory=list)
    starting: list[Start] = field(default_factory=list)
    not_compared: list[JobSummary] = field(default_factory=list)
    """Base jobs missing at the head whose file has errors there: maybe removed, maybe
    only broken; the head's errors say which."""
    periods_not_compared: list[PeriodSummary] = field(default_factory=list)
    """Base periods missing at the head whose file has errors there."""
    errors: list[Diagnostic] = field(default_factory=list)
    """Every error of the head revision."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """Every warning of the head revision."""
    base_errors: int = 0
    """How many errors the base revision has (its valid part is compared)."""

    @property
    def is_valid(self) -> bool:
        """The head revision lints without errors."""
        return not self.errors

    @property
    def has_changes(self) -> bool:
        """Anything at all differs between the revisions' schedules."""
        return any(
            (
                self.added,
                self.removed,
                self.renamed,
                self.changed,
                self.periods_added,
                self.periods_removed,
                self.periods_changed,
                self.defaults,
                self.not_compared,
                self.periods_not_compared,
            )
        )


@dataclass(frozen=True)
class PlanContext:
    """Where the compared definitions came from, for the renderers' headings."""

    base_label: str
    """How the base was chosen (`origin/main`, `merge base with origin/HEAD`)."""
    base_commit: str
    head_label: str
    head_commit: str
    jobs_dir: str = "."
    """The definitions directory relative to the git top level (`.` at the top)."""
    state_file: str | None = None
    """The state file whose timings were used, None when every job counts as never run."""
    notes: tuple[str, ...] = ()
    """Remarks for the reader (uncommitted changes not planned, base does not load, ...)."""

    def path(self, file: str | None) -> str:
        """`file` (relative to the definitions directory) relative to the git top level."""
        if file is None:
            return self.jobs_dir
        return file if self.jobs_dir == "." else f"{self.jobs_dir}/{file}"
