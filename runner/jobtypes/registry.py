"""The registry of job types: an object passed down, not a global."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.metadata import EntryPoint, entry_points

from runner.diagnostics import Diagnostic, Severity
from runner.jobtypes.base import JobType

ENTRY_POINT_GROUP = "jobrunner.job_types"


class JobTypeRegistry:
    """Job types by name, plus the diagnostics of plugins that could not be loaded."""

    def __init__(self, types: Iterable[JobType] = ()) -> None:
        self._types: dict[str, JobType] = {}
        self.diagnostics: list[Diagnostic] = []
        self.failed: dict[str, str] = {}
        """Entry points that could not be loaded: name -> `name (value): why`."""
        for job_type in types:
            self.register(job_type)

    def register(self, job_type: JobType) -> None:
        """Add a type; a second type with the same name is refused with a diagnostic."""
        if job_type.name in self._types:
            self.diagnostics.append(
                Diagnostic(
                    file=None,
                    line=None,
                    column=None,
                    code="plugin",
                    message=f"job type {job_type.name!r} is registered twice; the first one wins",
                    hint="uninstall one of the packages that provide it",
                    severity=Severity.WARNING,
                )
            )
            return
        self._types[job_type.name] = job_type

    def get(self, name: str) -> JobType | None:
        """The type called `name`, or None."""
        return self._types.get(name)

    def names(self) -> list[str]:
        """All registered type names, sorted."""
        return sorted(self._types)

    def __iter__(self) -> Iterator[JobType]:
        return iter(self._types[name] for name in self.names())

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Register every type of the entry-point group; failures become diagnostics."""
        for entry_point in sorted(entry_points(group=group), key=lambda ep: ep.name):
            self._load_one(entry_point)

    def _load_one(self, entry_point: EntryPoint) -> None:
        try:
            loaded = entry_point.load()
            job_type = loaded() if isinstance(loaded, type) else loaded
        except Exception as exc:  # noqa: BLE001 - any plugin failure must become a diagnostic
            self._plugin_failed(entry_point, f"{type(exc).__name__}: {exc}")
            return
        if not isinstance(job_type, JobType):
            self._plugin_failed(entry_point, "it is not a JobType (name, settings_schema, ...)")
            return
        self.register(job_type)

    def _plugin_failed(self, entry_point: EntryPoint, why: str) -> None:
        """A plugin that cannot be loaded is a warning: jobs of other types keep running,
        and a job of its type gets an error naming it (`unavailable`)."""
        text = f"{entry_point.name!r} ({entry_point.value}) could not be loaded: {why}"
        self.failed[entry_point.name] = text
        self.diagnostics.append(
            Diagnostic(
                file=None,
                line=None,
                column=None,
                code="plugin",
                message=f"job type plugin {text}",
                hint="fix or reinstall the plugin package; jobs of this type cannot run",
                severity=Severity.WARNING,
            )
        )

    def unavailable(self, name: str) -> str | None:
        """Why job type `name` is missing when a plugin of that name failed to load; if some
        other plugins failed, that one of them may provide it; else None."""
        if name in self.failed:
            return f"its plugin {self.failed[name]}"
        if self.failed:
            return "a plugin that could not be loaded may provide it: " + "; ".join(
                self.failed.values()
            )
        return None


def default_registry(*, with_plugins: bool = True) -> JobTypeRegistry:
    """Built-in types plus (unless disabled) the installed plugins."""
    from runner.jobtypes.command import CommandType
    from runner.jobtypes.gitsync import GitSyncType
    from runner.jobtypes.housekeeping import HousekeepingType
    from runner.jobtypes.http import HttpType

    types: list[JobType] = [CommandType(), HttpType(), HousekeepingType(), GitSyncType()]
    registry = JobTypeRegistry(types)
    if with_plugins:
        registry.load_entry_points()
    return registry
