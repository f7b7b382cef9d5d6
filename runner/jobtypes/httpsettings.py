"""Settings of the `http` job type: the JSON Schema and the checks it cannot express.

Credentials never come from the YAML itself: an `Authorization` or `Proxy-Authorization`
header, `auth.basic.password` and `auth.bearer` must take their value from `${NAME}` (the
runner's environment) or `${file:PATH}` (a file), the references `command`'s `env` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from runner.jobtypes.base import SettingsProblem
from runner.jobtypes.command import REFERENCE_FORMS, scan_references
from runner.jobtypes.durationschema import duration_problems, duration_schema

REQUEST_VARIABLE = "JOBRUNNER_HTTP_REQUEST"
"""Carries the resolved URL and headers (and which values are secret) to the worker."""
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
_STATUS_CLASS = re.compile(r"^[1-5]xx$")

_REFERENCED = "Literal text except " + REFERENCE_FORMS + ", resolved when the job starts."

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "http job settings",
    "description": (
        "Send one HTTP request and fail unless the status is expected. TLS verification is on "
        "unless `verify: false`; credentials come from the environment or a file, never from "
        "the YAML."
    ),
    "type": "object",
    "additionalProperties": False,
    "required": ["url"],
    "properties": {
        "method": {
            "title": "Method",
            "description": "The HTTP method (default GET).",
            "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        },
        "url": {
            "title": "URL",
            "description": "An http:// or https:// URL without user:password@. " + _REFERENCED,
            "type": "string",
            "pattern": "^https?://",
        },
        "headers": {
            "title": "Request headers",
            "description": (
                "Header names and values. " + _REFERENCED + " An Authorization header must "
                "use a reference."
            ),
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"},
            "additionalProperties": {"type": "string"},
        },
        "body": {
            "title": "Body",
            "description": "The request body, literal text.",
            "type": "string",
        },
        "body_file": {
            "title": "Body file",
            "description": (
                "A file whose content is the body; relative to the job file's directory."
            ),
            "type": "string",
            "minLength": 1,
        },
        "expected_status": {
            "title": "Expected status codes",
            "description": (
                'Status codes that mean success: numbers or classes like "2xx" (default ["2xx"]).'
            ),
            "type": "array",
            "minItems": 1,
            "items": {
                "anyOf": [
                    {"type": "integer", "minimum": 100, "maximum": 599},
                    {"type": "string", "pattern": "^[1-5]xx$"},
                ]
            },
        },
        "timeout": {
            "title": "Request timeout",
            "description": (
                "How long to wait for the complete response (default: until shortly before "
                "the job's deadline; never longer)."
            ),
            **duration_schema(1),
        },
        "verify": {
            "title": "Verify TLS",
            "description": "Verify the server's certificate and name (default true).",
            "type": "boolean",
        },
        "ca_file": {
            "title": "CA file",
            "description": (
                "PEM file of the CA(s) to trust instead of the system's; relative to the job "
                "file's directory."
            ),
            "type": "string",
            "minLength": 1,
        },
        "auth": {
            "title": "Credentials",
            "description": "Basic auth or a bearer token; values must use references.",
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                "basic": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "minLength": 1},
                        "password": {"type": "string", "minLength": 1},
                    },
                },
                "bearer": {"type": "string", "minLength": 1},
            },
        },
        "follow_redirects": {
            "title": "Follow redirects",
            "description": (
                "Follow 3xx redirects within the same scheme, host and port (default false: "
                "a 3xx is the response)."
            ),
            "type": "boolean",
        },
        "response_excerpt": {
            "title": "Response excerpt",
            "description": "Bytes of the response body written to the run's output (default 4096).",
            "type": "integer",
            "minimum": 0,
            "maximum": 1048576,
        },
    },
    "not": {"required": ["body", "body_file"]},
}


def referenced_values(settings: Mapping[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """(settings path, value) of every value that may hold references."""
    found: list[tuple[tuple[str, ...], str]] = [(("url",), str(settings["url"]))]
    for name, value in dict(settings.get("headers") or {}).items():
        found.append((("headers", name), str(value)))
    auth = dict(settings.get("auth") or {})
    if "bearer" in auth:
        found.append((("auth", "bearer"), str(auth["bearer"])))
    for key, value in dict(auth.get("basic") or {}).items():
        found.append((("auth", "basic", key), str(value)))
    return found


def _must_reference(path: tuple[str, ...]) -> bool:
    if path[0] == "headers":
        return path[1].lower() in CREDENTIAL_HEADERS
    return path in {("auth", "bearer"), ("auth", "basic", "password")}


def check_settings(settings: Mapping[str, Any]) -> list[SettingsProblem]:
    """Bad references, literal credentials, credentials in the URL, verify: false + ca_file."""
    problems = []
    for path, value in referenced_values(settings):
        references, bad = scan_references(value)
        for _offset, message in bad:
            problems.append(SettingsProblem(path, message, f"use {REFERENCE_FORMS}"))
        if not bad and not references and _must_reference(path):
            problems.append(
                SettingsProblem(
                    path,
                    f"{'.'.join(path)} is a literal credential in the definitions",
                    "take it from the environment or a file: ${NAME} or ${file:/etc/jobrunner/"
                    "secret} (for a header, e.g. 'Bearer ${API_TOKEN}')",
                )
            )
    problems.extend(duration_problems(settings, ["timeout"]))
    if urlsplit(str(settings["url"])).username is not None:
        problems.append(
            SettingsProblem(
                ("url",),
                "the URL contains user:password@; credentials do not belong in the URL",
                "use auth: {basic: {username: ..., password: '${file:...}'}}",
            )
        )
    if settings.get("verify") is False and "ca_file" in settings:
        problems.append(
            SettingsProblem(
                ("ca_file",),
                "ca_file has no effect with verify: false",
                "remove verify: false (recommended) or ca_file",
            )
        )
    return problems


def status_matches(status: int, expected: list[int | str]) -> bool:
    """Whether `status` is one of `expected` (numbers, or classes like "2xx")."""
    for item in expected:
        # `200.0` passes the schema's "integer" (no fractional part), and must match too.
        if isinstance(item, int | float) and not isinstance(item, bool) and item == status:
            return True
        if isinstance(item, str) and _STATUS_CLASS.match(item) and str(status)[0] == item[0]:
            return True
    return False
