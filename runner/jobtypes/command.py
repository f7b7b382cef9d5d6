"""The built-in `command` type (SPEC §2): run an argv (no shell) or a `/bin/sh -c` string.

`env` values are literal text except `${NAME}` (the runner's environment) and
`${file:PATH}` (a file's content without its trailing newline), resolved when the job starts;
`$${` writes a literal `${`. Resolved values are secrets: they never reach logs or state.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.jobtypes.base import LaunchContext, LaunchError, LaunchSpec, SettingsProblem
from runner.model import JobDef
from runner.platform import has_accounts
from runner.privileges import Identity, PrivilegeError, SystemAccountDatabase, resolve_identity

REFERENCE_FORMS = (
    "${NAME} (the runner's environment), ${file:/path} (a file's content), $${ (a literal ${)"
)

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "command job settings",
    "description": "Run a program (argv, no shell) or a /bin/sh -c string.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "argv": {
            "title": "Program and arguments",
            "description": (
                "The program and its arguments, run without a shell. A relative program path "
                "containing a '/' resolves against cwd; a bare name is looked up in PATH."
            ),
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "minLength": 1},
        },
        "shell": {
            "title": "Shell command",
            "description": "A command line run by /bin/sh -c. Use argv when no shell is needed.",
            "type": "string",
            "minLength": 1,
        },
        "env": {
            "title": "Environment",
            "description": (
                "Variables added to the job's environment. Values are literal text except "
                f"{REFERENCE_FORMS}, resolved when the job starts and never logged."
            ),
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
            "additionalProperties": {"type": "string"},
        },
        "cwd": {
            "title": "Working directory",
            "description": (
                "Directory the job runs in; relative paths resolve against the directory of "
                "the YAML file that defines the job, which is also the default."
            ),
            "type": "string",
            "minLength": 1,
        },
        "user": {
            "title": "User",
            "description": (
                "Run the job as this user (name or numeric uid), with its primary and "
                "supplementary groups, HOME, USER and LOGNAME. Only a runner started as root "
                "can switch users; any other runner fails the run with an explanation."
            ),
            "type": "string",
            "minLength": 1,
        },
        "group": {
            "title": "Group",
            "description": (
                "Run the job with this primary group (name or numeric gid) instead of the "
                "user's own. Needs a runner started as root."
            ),
            "type": "string",
            "minLength": 1,
        },
        "success_exit_codes": {
            "title": "Exit codes that mean success",
            "description": "Exit codes recorded as success (default [0]).",
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "integer", "minimum": 0, "maximum": 255},
        },
    },
    "oneOf": [
        {"required": ["argv"], "not": {"required": ["shell"]}},
        {"required": ["shell"], "not": {"required": ["argv"]}},
    ],
}


@dataclass(frozen=True, slots=True)
class Reference:
    """One `${...}` in an env value: `name` for `${NAME}`, `path` for `${file:PATH}`."""

    start: int
    end: int
    name: str | None = None
    path: str | None = None


def scan_references(value: str) -> tuple[list[Reference], list[tuple[int, str]]]:
    """Find the references in an env value; also return (offset, message) for bad ones."""
    references: list[Reference] = []
    problems: list[tuple[int, str]] = []
    at = 0
    while (start := value.find("${", at)) != -1:
        if start > 0 and value[start - 1] == "$":
            at = start + 2  # `$${` is a literal `${`
            continue
        end = value.find("}", start + 2)
        if end == -1:
            problems.append((start, f"unterminated reference {value[start:]!r}"))
            break
        inner = value[start + 2 : end]
        if _NAME_RE.fullmatch(inner):
            references.append(Reference(start, end + 1, name=inner))
        elif inner.startswith("file:") and len(inner) > len("file:"):
            references.append(Reference(start, end + 1, path=inner[len("file:") :]))
        else:
            problems.append((start, f"{value[start : end + 1]!r} is not a valid reference"))
        at = end + 1
    return references, problems


def resolve_value(value: str, context: LaunchContext, base_dir: Path) -> tuple[str, bool]:
    """Expand the references of one env value; the bool says whether anything was resolved."""
    references, problems = scan_references(value)
    if problems:
        raise LaunchError(f"env value has a bad reference: {problems[0][1]}; use {REFERENCE_FORMS}")
    parts: list[str] = []
    at = 0
    for ref in references:
        parts.append(value[at : ref.start].replace("$${", "${"))
        parts.append(_resolve_reference(ref, context, base_dir))
        at = ref.end
    parts.append(value[at:].replace("$${", "${"))
    return "".join(parts), bool(references)


def _resolve_reference(ref: Reference, context: LaunchContext, base_dir: Path) -> str:
    if ref.name is not None:
        if ref.name not in context.environ:
            raise LaunchError(
                f"${{{ref.name}}} is not set in the runner's environment; set it (for a "
                "service: /etc/jobrunner/jobrunner.env) or remove the reference"
            )
        return context.environ[ref.name]
    assert ref.path is not None
    path = (base_dir / ref.path).resolve()
    try:
        return path.read_text(encoding="utf-8").removesuffix("\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise LaunchError(
            f"${{file:{ref.path}}} cannot be read ({path}: {reason}); make the file "
            "readable by the runner's user"
        ) from None


class CommandType:
    """`type: command`: argv or shell, env, cwd, success_exit_codes."""

    name = "command"
    settings_schema: Mapping[str, Any] = SETTINGS_SCHEMA

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Report `${...}` references that are neither `${NAME}` nor `${file:PATH}`, and
        (as warnings) a `user:` or `group:` this host does not know."""
        problems = []
        for key, value in dict(settings.get("env") or {}).items():
            for _offset, message in scan_references(str(value))[1]:
                hint = f"use {REFERENCE_FORMS}"
                problems.append(SettingsProblem(path=("env", key), message=message, hint=hint))
        problems.extend(unknown_accounts(settings))
        return problems

    def launch(self, job: JobDef, context: LaunchContext) -> LaunchSpec:
        """Build argv, cwd and the resolved environment for one run of `job`."""
        job_dir = (context.root / job.directory).resolve()
        cwd = job_dir / str(job.settings["cwd"]) if "cwd" in job.settings else job_dir
        identity = _identity(job)
        env: dict[str, str] = dict(identity.environment) if identity else {}
        secrets: set[str] = set()
        for key, value in dict(job.settings.get("env") or {}).items():
            resolved, is_secret = resolve_value(str(value), context, job_dir)
            env[key] = resolved
            if is_secret and resolved:
                secrets.add(resolved)
        if "shell" in job.settings:
            argv: tuple[str, ...] = ("/bin/sh", "-c", str(job.settings["shell"]))
        else:
            argv = tuple(str(a) for a in job.settings["argv"])
            if "/" in argv[0] and not argv[0].startswith("/"):
                argv = (str(cwd / argv[0]), *argv[1:])
        if identity is None:
            return LaunchSpec(argv=argv, cwd=cwd, env=env, secrets=frozenset(secrets))
        return LaunchSpec(
            argv=argv,
            cwd=cwd,
            env=env,
            secrets=frozenset(secrets),
            user=identity.uid,
            group=identity.gid,
            extra_groups=identity.groups,
        )

    def success_exit_codes(self, job: JobDef) -> frozenset[int]:
        """The exit codes recorded as success for `job`."""
        return frozenset(job.settings.get("success_exit_codes") or (0,))


def _identity(job: JobDef) -> Identity | None:
    """The identity of `user:` / `group:` for this runner; LaunchError when impossible."""
    user, group = job.settings.get("user"), job.settings.get("group")
    if user is None and group is None:
        return None
    try:
        return resolve_identity(
            None if user is None else str(user),
            None if group is None else str(group),
            euid=os.geteuid(),
            egid=os.getegid(),
            accounts=SystemAccountDatabase(),
        )
    except PrivilegeError as exc:
        raise LaunchError(str(exc)) from None


def unknown_accounts(settings: Mapping[str, Any]) -> list[SettingsProblem]:
    """Warnings for a `user:` / `group:` that does not exist on this host (lint may run
    elsewhere than the runner, so this is never an error); none where there are no POSIX
    accounts to ask (Windows)."""
    if not has_accounts():
        return []
    accounts = SystemAccountDatabase()
    problems = []
    user, group = settings.get("user"), settings.get("group")
    if isinstance(user, str) and accounts.user(user) is None:
        problems.append(_unknown("user", user, "useradd --system"))
    if isinstance(group, str) and accounts.group(group) is None:
        problems.append(_unknown("group", group, "groupadd --system"))
    return problems


def _unknown(kind: str, name: str, command: str) -> SettingsProblem:
    return SettingsProblem(
        path=(kind,),
        message=f"{kind} {name!r} does not exist on this host: runs here would fail",
        hint=f"create it where the runner runs ({command} {name}) or fix the name",
        is_error=False,
    )
