"""The `director` type's settings: schema, the checks a schema cannot express, and the
`icingacli director ...` command lines they stand for.

One job does one of the four tasks of Director's own job runner:

| `action`       | Director job class | command                                              |
| -------------- | ------------------ | ---------------------------------------------------- |
| `import`       | ImportJob          | `icingacli director importsource run --id N` (check) |
| `sync`         | SyncJob            | `icingacli director syncrule run --id N` (check)     |
| `deploy`       | ConfigJob          | `icingacli director config deploy --grace-period S`  |
| `housekeeping` | HousekeepingJob    | `icingacli director housekeeping run ALL`            |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runner.durations import parse_duration
from runner.jobtypes.base import SettingsProblem

DURATION = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": r"^(?:[0-9]+|(?=[0-9])(?:[0-9]+[wdhms])+)$"},
    ],
}

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "director job settings",
    "description": "Run one Icinga Director task with icingacli and fail when the task failed.",
    "type": "object",
    "additionalProperties": False,
    "required": ["action"],
    "properties": {
        "action": {
            "description": "import, sync, deploy or housekeeping",
            "enum": ["import", "sync", "deploy", "housekeeping"],
        },
        "source": {"description": "import: a source's name", "type": "string", "minLength": 1},
        "source_id": {"description": "import: a source's id", "type": "integer", "minimum": 1},
        "rule": {"description": "sync: a rule's name", "type": "string", "minLength": 1},
        "rule_id": {"description": "sync: a rule's id", "type": "integer", "minimum": 1},
        "all": {"description": "import/sync: every source or rule", "const": True},
        "run_import": {
            "description": "import: store the new data (default true); false only checks",
            "type": "boolean",
        },
        "apply_changes": {
            "description": "sync: apply the changes (default true); false only checks",
            "type": "boolean",
        },
        "grace_period": {
            **DURATION,
            "description": "deploy: skip when the last deployment is younger (Director: 600)",
        },
        "wait": {
            **DURATION,
            "description": "deploy: wait this long for Icinga 2 to restart; a failed start fails",
        },
        "force": {"description": "deploy: deploy even an unchanged config", "type": "boolean"},
        "render_only": {
            "description": "deploy: only render the config (Director: deploy_when_changed n)",
            "type": "boolean",
        },
        "task": {"description": "housekeeping: a task name, default ALL", "type": "string"},
        "icingacli": {"description": "path of icingacli (default: from PATH)", "type": "string"},
    },
}

ALLOWED: dict[str, tuple[str, ...]] = {
    "import": ("source", "source_id", "all", "run_import"),
    "sync": ("rule", "rule_id", "all", "apply_changes"),
    "deploy": ("grace_period", "wait", "force", "render_only"),
    "housekeeping": ("task",),
}
TARGETS: dict[str, tuple[str, str]] = {
    "import": ("source", "source_id"),
    "sync": ("rule", "rule_id"),
}
COMMON = ("action", "icingacli")


def check_settings(settings: Mapping[str, Any]) -> list[SettingsProblem]:
    """Keys that belong to another action, and import/sync without exactly one target."""
    action = str(settings["action"])
    allowed = ALLOWED[action]
    problems = [
        SettingsProblem(
            path=(key,),
            message=f"{key!r} is not a setting of action {action!r}",
            hint=f"action {action!r} takes: {', '.join(allowed)}",
        )
        for key in settings
        if key not in allowed and key not in COMMON
    ]
    if action in TARGETS:
        name, number = TARGETS[action]
        given = [key for key in (name, number, "all") if key in settings]
        if len(given) != 1:
            problems.append(
                SettingsProblem(
                    path=(),
                    message=f"action {action!r} needs exactly one of {name}, {number} or all"
                    + (f" (got {', '.join(given)})" if given else ""),
                    hint=f'e.g. {name}: "CMDB hosts", {number}: 3, or all: true',
                )
            )
    return problems


def seconds(value: object) -> int:
    """A duration setting in whole seconds (icingacli takes seconds)."""
    return int(parse_duration(value).total_seconds())


def simple_command(settings: Mapping[str, Any]) -> list[str] | None:
    """The argv after `icingacli director` for deploy and housekeeping; None for the rest."""
    action = settings["action"]
    if action == "housekeeping":
        return ["housekeeping", "run", str(settings.get("task") or "ALL")]
    if action != "deploy":
        return None
    if settings.get("render_only"):
        return ["config", "render"]
    argv = ["config", "deploy"]
    if "grace_period" in settings and seconds(settings["grace_period"]) > 0:
        argv += ["--grace-period", str(seconds(settings["grace_period"]))]
    if settings.get("force"):
        argv.append("--force")
    if "wait" in settings and seconds(settings["wait"]) > 0:
        argv += ["--wait", str(seconds(settings["wait"]))]
    return argv


def object_command(settings: Mapping[str, Any], object_id: int) -> list[str]:
    """The argv after `icingacli director` for one import source or sync rule."""
    if settings["action"] == "import":
        verb = "run" if settings.get("run_import", True) else "check"
        return ["importsource", verb, "--id", str(object_id)]
    verb = "run" if settings.get("apply_changes", True) else "check"
    return ["syncrule", verb, "--id", str(object_id)]


def list_command(action: str) -> list[str]:
    """The argv after `icingacli director` that lists the sources or rules with their ids."""
    return ["importsource" if action == "import" else "syncrule", "list"]
