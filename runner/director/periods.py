"""Director time periods (basket section `TimePeriod`) as jobrunner `TimePeriod` documents.

Templates (`object_type: template`) are not written: their ranges are merged into the
periods that import them, the period's own entries winning. Every period gets the zone the
user named, since Director evaluated periods in PHP's zone and the export does not say which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runner.director.basket import is_yes, name_list
from runner.director.compat import (
    director_key_problem,
    director_part_problem,
    director_reading,
    director_value_parts,
)
from runner.director.findings import Finding, FindingKind, entry_label
from runner.director.names import unique_names
from runner.director.yamltext import document
from runner.timeperiods.lint import check_entry


@dataclass
class PeriodSet:
    """The periods of a basket: names by original name, YAML by path, and the findings."""

    names: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    templates: frozenset[str] = frozenset()
    """Names of the basket's period templates (not written; a job cannot use one)."""


def convert_periods(raw: Mapping[str, Mapping[str, Any]], zone: str, header: str) -> PeriodSet:
    """Every non-template period of the section, in the order of the basket."""
    by_name = {str(obj.get("object_name") or key): obj for key, obj in raw.items()}
    templates = {n: o for n, o in by_name.items() if o.get("object_type") == "template"}
    objects = {n: o for n, o in by_name.items() if n not in templates}
    result = PeriodSet(names=unique_names(objects, "period"), templates=frozenset(templates))
    for original, obj in objects.items():
        _Converter(original, obj, result, objects, templates).write(zone, header)
    return result


class _Converter:
    """One period: ranges, references, findings."""

    def __init__(
        self,
        original: str,
        obj: Mapping[str, Any],
        result: PeriodSet,
        objects: Mapping[str, Mapping[str, Any]],
        templates: Mapping[str, Mapping[str, Any]],
    ) -> None:
        self.original = original
        self.obj = obj
        self.result = result
        self.objects = objects
        self.templates = templates
        self.label = entry_label("TimePeriod", original)
        self.name = result.names[original]
        self.findings: list[Finding] = []

    def note(self, kind: FindingKind, message: str) -> None:
        self.findings.append(Finding(self.label, kind, message))

    def write(self, zone: str, header: str) -> None:
        """Add this period's file and findings to the result."""
        if self.name != self.original:
            self.note(FindingKind.NOTE, f"named {self.name!r}")
        data: dict[str, Any] = {"kind": "TimePeriod", "name": self.name}
        display = self.obj.get("display_name") or (
            self.original if self.name != self.original else None
        )
        if display:
            data["display_name"] = str(display)
        data["timezone"] = zone
        data["ranges"] = self.ranges()
        for key in ("includes", "excludes"):
            names = self.references(key)
            if names:
                data[key] = names
        prefer = self.obj.get("prefer_includes")
        if prefer is not None and not is_yes(prefer):
            data["prefer_includes"] = False
        comments = [f'{header} TimePeriod "{self.original}"']
        comments += [f"{f.kind}: {f.message}" for f in self.findings]
        self.result.files[f"periods/{self.name}.yaml"] = document(data, comments)
        self.result.findings.extend(self.findings)

    def raw_ranges(self, obj: Mapping[str, Any], seen: frozenset[str]) -> dict[str, Any]:
        """Ranges of `obj` with those of its templates underneath (own entries win)."""
        merged: dict[str, Any] = {}
        for template in name_list(obj.get("imports")):
            if template in seen or template not in self.templates:
                self.note(FindingKind.SKIPPED, f"template {template!r} is not in the basket")
                continue
            merged.update(self.raw_ranges(self.templates[template], seen | {template}))
        own = obj.get("ranges") or {}
        if isinstance(own, list):  # [{"range_key": ..., "range_value": ...}]
            own = {str(r.get("range_key")): r.get("range_value") for r in own}
        merged.update(own)
        return merged

    def ranges(self) -> dict[str, str]:
        """The normalised, readable entries; every change of meaning becomes a finding."""
        written: dict[str, str] = {}
        for raw_key, raw_value in self.raw_ranges(self.obj, frozenset()).items():
            entry = self.entry(str(raw_key), raw_value)
            if entry is None:
                continue
            key, value = entry
            if key in written:
                self.note(FindingKind.NOTE, f"entries for {key!r} joined into one")
                value = f"{written[key]},{value}"
            written[key] = value
        return written

    def entry(self, raw_key: str, raw_value: object) -> tuple[str, str] | None:
        """One entry normalised, or None when it cannot be written."""
        if not isinstance(raw_value, str):
            self.note(FindingKind.SKIPPED, f"left out {raw_key!r}: its value is not text")
            return None
        key = " ".join(raw_key.lower().split())
        # Director split values at commas and dropped empty parts (`00:00-24:00,`).
        value = ",".join(part for part in "".join(raw_value.split()).split(",") if part)
        errors = [f for f in check_entry(key, value) if f.is_error]
        if errors:
            hint = f" ({errors[0].hint})" if errors[0].hint else ""
            self.note(
                FindingKind.SKIPPED,
                f"left out {raw_key!r}: {raw_value!r}: {errors[0].message}{hint}; "
                + self.director_did(raw_key, raw_value),
            )
            return None
        changes = self.director_changes(raw_key, raw_value)
        for change in changes:
            self.note(FindingKind.CHANGED, change)
        if not changes and (key, value) != (raw_key, raw_value):
            empty_parts = value != "".join(raw_value.split())
            what = (
                "empty `,` parts (Director ignored them too) and spacing"
                if empty_parts
                else "spacing"
            )
            self.note(
                FindingKind.NOTE,
                f"{what} normalised: {raw_key!r}: {raw_value!r} -> {key!r}: {value!r}",
            )
        return key, value

    @staticmethod
    def director_did(raw_key: str, raw_value: str) -> str:
        """What Director made of an entry jobrunner cannot read (it is left out)."""
        read = director_reading(raw_value) if director_key_problem(raw_key) is None else []
        if not read:
            return "Director never matched it either"
        return (
            f"Director ran it as {','.join(read)!r} (it ignored the rest): write that if it is "
            "what was meant"
        )

    @staticmethod
    def director_changes(raw_key: str, raw_value: str) -> list[str]:
        """Where Director read the raw entry differently from jobrunner."""
        problem = director_key_problem(raw_key)
        if problem is not None:
            return [problem]
        parts = [director_part_problem(p) for p in director_value_parts(raw_value)]
        return [f"{raw_key}: {p}" for p in parts if p is not None]

    def references(self, key: str) -> list[str]:
        """`includes`/`excludes` as jobrunner names; unknown ones are left out."""
        names: list[str] = []
        for other in name_list(self.obj.get(key)):
            if other not in self.result.names:
                self.note(FindingKind.SKIPPED, f"{key}: {other!r} is not in the basket; left out")
                continue
            names.append(self.result.names[other])
            if self.is_composed(other):
                self.note(
                    FindingKind.CHANGED,
                    f"{key}: Director looked only at {other!r}'s own ranges; jobrunner also "
                    f"applies {other!r}'s includes and excludes",
                )
        return names

    def is_composed(self, other: str) -> bool:
        """Whether the period called `other` has includes or excludes of its own."""
        obj = self.objects.get(other, {})
        return bool(name_list(obj.get("includes")) or name_list(obj.get("excludes")))
