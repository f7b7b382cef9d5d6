"""`jobrunner import-director`'s core: a Director basket export as definition files.

Pure: a parsed basket in, `(path, YAML text)` pairs and findings out. The command
(`runner.commands.import_director`) reads the file, refuses to overwrite and writes.

What changes on the way, and is reported as a finding:
- names become valid jobrunner names (`10: Import hosts` -> `10-import-hosts`); the
  Director name stays in `description` / `display_name`;
- every period gets the zone the user names (Director used PHP's zone, not exported);
- every job gets an explicit `timeout` (Director has none; default `DEFAULT_TIMEOUT`);
- range entries Director never matched (keys other than plain weekdays, ranges across
  midnight, values it could not read) now match: `changed`;
- spacing Director tolerated is normalised (`09:00 - 17:00` -> `09:00-17:00`): `note`;
- entries jobrunner cannot read, references to periods missing from the basket, and jobs of
  classes other than Director's own four are left out: `skipped`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from runner.director.basket import BasketError, check_shape, section
from runner.director.findings import Finding, FindingKind
from runner.director.jobs import convert_jobs
from runner.director.periods import convert_periods

__all__ = [
    "DEFAULT_TIMEOUT",
    "BasketError",
    "Conversion",
    "Finding",
    "FindingKind",
    "convert_basket",
]

DEFAULT_TIMEOUT = timedelta(hours=1)
"""The `timeout:` written on every imported job: the same 1h as `--default-timeout`."""

HEADER = "Imported by `jobrunner import-director` from"

_KNOWN = ("DirectorJob", "TimePeriod")


@dataclass(frozen=True, slots=True)
class Conversion:
    """The definition files (path relative to the output directory -> YAML) and findings."""

    files: dict[str, str]
    findings: list[Finding]
    jobs: int
    timeperiods: int

    @property
    def has_skipped(self) -> bool:
        """Whether something of the basket is missing from the files."""
        return any(f.kind is FindingKind.SKIPPED for f in self.findings)


def convert_basket(
    basket: object, *, timezone: str, timeout: timedelta = DEFAULT_TIMEOUT
) -> Conversion:
    """Turn a parsed basket into definition files; raise `BasketError` for a wrong shape."""
    data: Mapping[str, Any] = check_shape(basket)
    periods = convert_periods(section(data, "TimePeriod"), timezone, HEADER)
    jobs = convert_jobs(
        section(data, "DirectorJob"), periods.names, timeout, HEADER, periods.templates
    )
    findings = [*periods.findings, *jobs.findings, *_ignored_sections(data)]
    return Conversion(
        files={**periods.files, **jobs.files},
        findings=findings,
        jobs=len(jobs.files),
        timeperiods=len(periods.files),
    )


def _ignored_sections(basket: Mapping[str, Any]) -> list[Finding]:
    """A note per other section: those objects stay in Director."""
    return [
        Finding(
            f"{kind} section",
            FindingKind.NOTE,
            f"{len(objects) if isinstance(objects, Mapping | list) else 1} object(s) not "
            "imported: they stay in Director (restore them with `icingacli director basket "
            "restore`)",
        )
        for kind, objects in basket.items()
        if kind not in _KNOWN and objects  # an empty section leaves nothing behind
    ]
