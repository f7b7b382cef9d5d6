"""Director jobs (basket section `DirectorJob`) as jobrunner `Job` documents of type
`director` (the example plugin in examples/plugins/jobrunner-icinga-director).

| Director `job_class` | `settings` written                                           |
| -------------------- | ------------------------------------------------------------ |
| ImportJob            | action: import, source / source_id / all, run_import         |
| SyncJob              | action: sync, rule / rule_id / all, apply_changes            |
| ConfigJob            | action: deploy, grace_period (or render_only: true)          |
| HousekeepingJob      | action: housekeeping                                         |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from runner.director.basket import is_yes
from runner.director.findings import Finding, FindingKind, entry_label
from runner.director.names import unique_names
from runner.director.yamltext import document
from runner.durations import MAX_DURATION, format_duration

ALL = "__ALL__"
"""Director's source_id / rule_id for "every source" / "every rule"."""


class SkipJob(Exception):  # noqa: N818 - a signal inside this module, like StopIteration
    """The job cannot be written; the message says why and what to do."""


def _target(settings: Mapping[str, Any], name_key: str, id_key: str) -> dict[str, Any]:
    """`source`/`source_id` (or rule) as written by Director: a name, an id or `__ALL__`."""
    value = settings.get(id_key, settings.get(name_key))
    if value is None or value == "":
        raise SkipJob(f"its settings name no {name_key} ({name_key} or {id_key})")
    if value == ALL:
        return {"all": True}
    if id_key in settings and str(value).isdigit():
        return {id_key: int(value)}
    return {name_key: str(value)}


def _import(settings: Mapping[str, Any]) -> dict[str, Any]:
    target = _target(settings, "source", "source_id")
    return {"action": "import", **target, "run_import": is_yes(settings.get("run_import"))}


def _sync(settings: Mapping[str, Any]) -> dict[str, Any]:
    target = _target(settings, "rule", "rule_id")
    return {"action": "sync", **target, "apply_changes": is_yes(settings.get("apply_changes"))}


def _config(settings: Mapping[str, Any]) -> dict[str, Any]:
    if not is_yes(settings.get("deploy_when_changed")):
        return {"action": "deploy", "render_only": True}
    grace = str(settings.get("grace_period") or "0").strip()
    if not grace.isdigit():
        raise SkipJob(f"grace_period {grace!r} is not a number of seconds")
    if int(grace) > MAX_DURATION.total_seconds():
        raise SkipJob(f"grace_period {grace!r} is longer than 36525d (100 years)")
    written: dict[str, Any] = {"action": "deploy"}
    if int(grace) > 0:
        written["grace_period"] = format_duration(timedelta(seconds=int(grace)))
    return written


def _housekeeping(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {"action": "housekeeping"}


CLASSES: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "ImportJob": _import,
    "SyncJob": _sync,
    "ConfigJob": _config,
    "HousekeepingJob": _housekeeping,
}
DIRECTOR_NAMESPACE = "Icinga\\Module\\Director\\Job\\"


@dataclass
class JobSet:
    """The jobs of a basket: YAML by path, and the findings."""

    files: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def convert_jobs(
    raw: Mapping[str, Mapping[str, Any]],
    periods: Mapping[str, str],
    timeout: timedelta,
    header: str,
    templates: frozenset[str] = frozenset(),
) -> JobSet:
    """Every job of the section; `periods` maps Director period names to jobrunner names,
    `templates` names the basket's period templates (which are not written)."""
    by_name = {str(obj.get("job_name") or key): obj for key, obj in raw.items()}
    names = unique_names(by_name, "job")
    result = JobSet()
    for original, obj in by_name.items():
        label = entry_label("DirectorJob", original)
        findings: list[Finding] = []
        try:
            data = _job(
                original,
                names[original],
                obj,
                periods=periods,
                templates=templates,
                timeout=timeout,
                findings=findings,
            )
        except SkipJob as exc:
            result.findings.append(Finding(label, FindingKind.SKIPPED, f"not written: {exc}"))
            continue
        comments = [f'{header} DirectorJob "{original}"']
        comments += [f"{f.kind}: {f.message}" for f in findings]
        result.files[f"jobs/{data['name']}.yaml"] = document(data, comments)
        result.findings.extend(findings)
    return result


def _job(
    original: str,
    name: str,
    obj: Mapping[str, Any],
    *,
    periods: Mapping[str, str],
    templates: frozenset[str],
    timeout: timedelta,
    findings: list[Finding],
) -> dict[str, Any]:
    """The Job document for one Director job; raise `SkipJob` when there is none."""
    label = entry_label("DirectorJob", original)
    settings = _settings(obj)
    raw_interval = obj.get("run_interval")
    if raw_interval is None or raw_interval == "":
        raise SkipJob("it has no run_interval")
    interval = str(raw_interval).strip()
    if not interval.isdigit() or int(interval) < 1:
        raise SkipJob(f"run_interval {raw_interval!r} is not a number of seconds >= 1")
    if int(interval) > MAX_DURATION.total_seconds():
        raise SkipJob(
            f"run_interval {raw_interval!r} is longer than jobrunner's longest interval, "
            "36525d (100 years)"
        )
    if name != original:
        findings.append(Finding(label, FindingKind.NOTE, f"named {name!r}"))
    data: dict[str, Any] = {"kind": "Job", "name": name, "description": original}
    data["type"] = "director"
    data["interval"] = format_duration(timedelta(seconds=int(interval)))
    disabled = is_yes(obj.get("disabled"))
    period = obj.get("timeperiod")
    if period:
        if str(period) in periods:
            data["timeperiod"] = periods[str(period)]
        else:
            disabled = True
            where = (
                "is a template in the basket, not a period"
                if str(period) in templates
                else "is not in the basket"
            )
            message = (
                f"its time period {period!r} {where}: written without it and disabled; add "
                "the period and enable the job"
            )
            findings.append(Finding(label, FindingKind.CHANGED, message))
    if disabled:
        data["disabled"] = True
    data["timeout"] = format_duration(timeout)
    data["settings"] = settings
    return data


def _settings(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The `director` type's settings for the job's class; raise `SkipJob` for others."""
    job_class = str(obj.get("job_class") or "").lstrip("\\")
    short = job_class.removeprefix(DIRECTOR_NAMESPACE)
    if short not in CLASSES:
        raise SkipJob(
            f"job class {job_class or '(none)'!r} is not one of Director's own "
            f"({', '.join(CLASSES)}); write a `command` job that does its work"
        )
    settings = obj.get("settings") or {}
    if not isinstance(settings, Mapping):
        raise SkipJob("its settings are not a JSON object")
    return CLASSES[short](settings)
