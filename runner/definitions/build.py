"""Building `runner.model` objects from checked documents, and resolving time zones."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.definitions.documents import Document, is_known_zone
from runner.definitions.findings import Finding
from runner.diagnostics import Severity
from runner.durations import parse_duration
from runner.model import Defaults, HookDef, JobDef, Source, TimePeriodDef

if TYPE_CHECKING:
    from runner.timeperiods import TimePeriod


def system_zone(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The system's zone name and where it came from (TZ, /etc/localtime, else UTC)."""
    env = os.environ if environ is None else environ
    tz = env.get("TZ", "").lstrip(":")
    if tz and is_known_zone(tz):
        return tz, "the TZ variable"
    try:
        target = str(Path("/etc/localtime").readlink())
    except OSError:
        return "UTC", "a fallback (no TZ, no /etc/localtime link)"
    if "zoneinfo/" in target and is_known_zone(name := target.split("zoneinfo/", 1)[1]):
        return name, "/etc/localtime"
    return "UTC", "a fallback (no TZ, no /etc/localtime link)"


def resolve_zone(doc: Document, defaults: Defaults, option: str | None) -> tuple[str, str]:
    """(zone, origin) for a period: its own, Defaults, --timezone, else the system zone."""
    own = doc.data.get("timezone")
    if isinstance(own, str):
        return own, "timeperiod"
    if defaults.timezone:
        return defaults.timezone, "defaults"
    if option:
        return option, "option"
    return system_zone()[0], "system"


def zone_finding(doc: Document, zone: str, origin: str) -> Finding | None:
    """A warning when a period's zone depends on the host (or an error for an unknown one)."""
    if origin == "option" and not is_known_zone(zone):
        return Finding(
            doc.file,
            doc.index,
            ("name",),
            "value",
            "unknown-timezone",
            f"--timezone {zone!r} is not a known time zone",
            "use an IANA name such as Europe/Berlin or UTC",
        )
    if origin not in ("option", "system"):
        return None
    source = "--timezone" if origin == "option" else system_zone()[1]
    return Finding(
        doc.file,
        doc.index,
        ("name",),
        "value",
        "timezone-missing",
        f"time period {doc.data.get('name')!r} sets no timezone and there is no "
        f"Defaults.timezone; it uses {zone} from {source}",
        "set `timezone:` in Defaults (or the period) so CI and every host agree",
        Severity.WARNING,
    )


def _hook(value: Any) -> HookDef | None:
    if not isinstance(value, dict):
        return None
    timeout = parse_duration(value["timeout"]) if "timeout" in value else timedelta(seconds=60)
    return HookDef(tuple(value["argv"]), timeout)


def _source(doc: Document) -> Source:
    return Source(doc.file, doc.line)


def build_defaults(doc: Document | None) -> Defaults:
    """The Defaults of the tree (empty when there is no valid Defaults document)."""
    if doc is None or doc.has_errors:
        return Defaults()
    data = doc.data
    return Defaults(
        timezone=data.get("timezone"),
        timeout=parse_duration(data["timeout"]) if "timeout" in data else None,
        history=int(data.get("history", 20)),
        on_failure=_hook(data.get("on_failure")),
        on_recovery=_hook(data.get("on_recovery")),
        source=_source(doc),
    )


def build_job(doc: Document) -> JobDef:
    """A JobDef from a Job document without errors."""
    data = doc.data
    return JobDef(
        name=data["name"],
        type=data["type"],
        interval=parse_duration(data["interval"]),
        settings=dict(data.get("settings") or {}),
        description=data.get("description"),
        timeperiod=data.get("timeperiod"),
        once_per_window=bool(data.get("once_per_window", False)),
        disabled=bool(data.get("disabled", False)),
        timeout=parse_duration(data["timeout"]) if "timeout" in data else None,
        renamed_from=tuple(data.get("renamed_from") or ()),
        on_failure=_hook(data.get("on_failure")),
        on_recovery=_hook(data.get("on_recovery")),
        source=_source(doc),
    )


def build_period_def(doc: Document, zone: str, origin: str) -> TimePeriodDef:
    """A TimePeriodDef from a TimePeriod document without errors."""
    data = doc.data
    return TimePeriodDef(
        name=data["name"],
        ranges=tuple((str(k), str(v)) for k, v in (data.get("ranges") or {}).items()),
        timezone=zone,
        timezone_origin=origin,
        display_name=data.get("display_name"),
        includes=tuple(data.get("includes") or ()),
        excludes=tuple(data.get("excludes") or ()),
        prefer_includes=bool(data.get("prefer_includes", True)),
        source=_source(doc),
    )


def build_periods(defs: Mapping[str, TimePeriodDef]) -> dict[str, TimePeriod]:
    """TimePeriod objects in dependency order; a period whose references failed is left out."""
    from runner.timeperiods import TimePeriod

    built: dict[str, TimePeriod] = {}
    pending = dict(defs)
    while pending:
        ready = [d for d in pending.values() if _deps_done(d, built, defs)]
        if not ready:
            break
        for definition in ready:
            del pending[definition.name]
            if not all(n in built for n in (*definition.includes, *definition.excludes)):
                continue
            built[definition.name] = TimePeriod(
                dict(definition.ranges),
                definition.timezone,
                includes=[built[n] for n in definition.includes],
                excludes=[built[n] for n in definition.excludes],
                prefer_includes=definition.prefer_includes,
                name=definition.name,
            )
    return built


def _deps_done(
    definition: TimePeriodDef, built: Mapping[str, Any], defs: Mapping[str, TimePeriodDef]
) -> bool:
    return all(n in built or n not in defs for n in (*definition.includes, *definition.excludes))


def periods_in(docs: Sequence[Document]) -> dict[str, Document]:
    """TimePeriod documents by name (the first of duplicates)."""
    out: dict[str, Document] = {}
    for doc in docs:
        name = doc.data.get("name")
        if doc.kind == "TimePeriod" and isinstance(name, str):
            out.setdefault(name, doc)
    return out
