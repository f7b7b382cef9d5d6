"""The built-in `http` type: send one HTTP request, fail unless the status is expected.

    kind: Job
    name: director-deploy
    type: http
    interval: 30m
    timeout: 2m
    settings:
      method: POST
      url: https://icinga.example.com:5665/v1/actions/restart-process
      headers: {Accept: application/json}
      auth: {basic: {username: jobrunner, password: "${file:/etc/jobrunner/icinga-api.pw}"}}
      ca_file: /etc/icinga2/pki/ca.crt

References (`${NAME}`, `${file:PATH}`) in `url`, `headers` and `auth` are resolved by the
runner when the job starts (a missing variable or file fails the run before anything is
sent) and handed to the worker child; their values are secrets, masked in the run's output,
the log and the state. The worker prints the URL as written, never resolved.

The request runs in a thread of the worker child, so a stop request (SIGTERM: timeout,
runner stopping) ends the job at once even while the server is silent.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runner.jobtypes.base import LaunchContext, LaunchError, LaunchSpec, SettingsProblem
from runner.jobtypes.command import resolve_value, scan_references
from runner.jobtypes.httpsettings import (
    REQUEST_VARIABLE,
    SETTINGS_SCHEMA,
    check_settings,
    referenced_values,
)
from runner.jobtypes.python import JobContext, PythonJobType
from runner.model import JobDef

__all__ = ["REQUEST_VARIABLE", "HttpType"]


class HttpType(PythonJobType):
    """`type: http`: method, url, headers, body, expected status, TLS, credentials."""

    name = "http"
    settings_schema: Mapping[str, Any] = SETTINGS_SCHEMA

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Literal credentials, bad references, user:password@ in the URL, and more."""
        return check_settings(settings)

    def launch(self, job: JobDef, context: LaunchContext) -> LaunchSpec:
        """The worker child, with references resolved here (a failure is a `LaunchError`)."""
        spec = super().launch(job, context)
        job_dir = (context.root / job.directory).resolve()
        resolved: dict[tuple[str, ...], str] = {}
        secrets: set[str] = set()
        for path, value in referenced_values(job.settings):
            try:
                text, is_secret = resolve_value(value, context, job_dir)
            except LaunchError as exc:
                raise LaunchError(f"settings.{'.'.join(path)}: {exc}") from None
            resolved[path] = text
            if is_secret:
                secrets |= _referenced_secrets(value, context, job_dir)
        headers = {path[1]: text for path, text in resolved.items() if path[0] == "headers"}
        authorization = _authorization(resolved)
        if authorization:
            headers["Authorization"] = authorization
            secrets.add(authorization.split(" ", 1)[1])
        request = {"url": resolved[("url",)], "headers": headers, "secrets": sorted(secrets)}
        env = {**spec.env, REQUEST_VARIABLE: json.dumps(request)}
        return LaunchSpec(argv=spec.argv, cwd=spec.cwd, env=env, secrets=frozenset(secrets))

    def run(self, ctx: JobContext) -> None:
        """Send the request, write the response excerpt to the output, check the status."""
        from runner.jobtypes.httprun import run_request  # the worker only: ssl, urllib

        run_request(ctx, os.environ)


def _referenced_secrets(value: str, context: LaunchContext, job_dir: Path) -> set[str]:
    """The value of each reference in `value` on its own (masked wherever it shows up)."""
    found = set()
    for ref in scan_references(value)[0]:
        text = resolve_value(value[ref.start : ref.end], context, job_dir)[0]
        if text:
            found.add(text)
    return found


def _authorization(resolved: Mapping[tuple[str, ...], str]) -> str | None:
    if ("auth", "bearer") in resolved:
        return f"Bearer {resolved['auth', 'bearer']}"
    if ("auth", "basic", "password") in resolved:
        pair = f"{resolved['auth', 'basic', 'username']}:{resolved['auth', 'basic', 'password']}"
        return "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    return None
