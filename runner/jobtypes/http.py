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
import threading
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from runner import clock
from runner.durations import parse_duration
from runner.executor import mask
from runner.jobtypes.base import LaunchContext, LaunchError, LaunchSpec, SettingsProblem
from runner.jobtypes.command import resolve_value, scan_references
from runner.jobtypes.httpcall import HttpCall, HttpCallError, HttpResponse, perform
from runner.jobtypes.httpsettings import (
    SETTINGS_SCHEMA,
    check_settings,
    referenced_values,
    status_matches,
)
from runner.jobtypes.python import JobContext, JobFailed, PythonJobType
from runner.model import JobDef

REQUEST_VARIABLE = "JOBRUNNER_HTTP_REQUEST"
"""Carries the resolved URL and headers (and which values are secret) to the worker."""
DEADLINE_MARGIN = timedelta(seconds=2)
"""Time left before the job's deadline, so that a late response fails with a clear message."""
DEFAULT_TIMEOUT = timedelta(minutes=5)


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
        call, secrets = build_call(ctx, os.environ)
        ctx.logger.info("%s %s (timeout %g s)", call.method, call.shown_url, call.timeout_s)
        if not call.verify:
            ctx.logger.warning("TLS verification is off (verify: false)")
        response = call_until_stopped(call, ctx.stop)
        excerpt = mask(response.excerpt.decode("utf-8", "replace"), secrets)
        ctx.logger.info("response: %d %s", response.status, response.reason)
        if excerpt:
            more = " (truncated)" if response.truncated else ""
            print(
                f"--- response body{more} ---\n{excerpt}\n--- end of response body ---", flush=True
            )
        expected = list(ctx.settings.get("expected_status") or ["2xx"])
        if not status_matches(response.status, expected):
            raise JobFailed(_wrong_status(call, response, expected, excerpt, secrets))


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


def build_call(ctx: JobContext, environ: Mapping[str, str]) -> tuple[HttpCall, frozenset[str]]:
    """The request to send, from the settings and what the runner resolved at launch."""
    if REQUEST_VARIABLE not in environ:
        raise JobFailed(f"{REQUEST_VARIABLE} is not set: run http jobs through jobrunner")
    request = json.loads(environ[REQUEST_VARIABLE])
    settings = ctx.settings
    body: bytes | None = None
    if "body" in settings:
        body = str(settings["body"]).encode()
    elif "body_file" in settings:
        body = _read_body(Path(str(settings["body_file"])))
    ca_file = Path(str(settings["ca_file"])).resolve() if "ca_file" in settings else None
    call = HttpCall(
        method=str(settings.get("method") or "GET"),
        url=str(request["url"]),
        shown_url=str(settings["url"]),
        headers={str(k): str(v) for k, v in dict(request["headers"]).items()},
        body=body,
        timeout_s=request_timeout(ctx, settings),
        verify=bool(settings.get("verify", True)),
        ca_file=ca_file,
        follow_redirects=bool(settings.get("follow_redirects", False)),
        excerpt_bytes=int(settings.get("response_excerpt", 4096)),
    )
    return call, frozenset(str(s) for s in request.get("secrets") or ())


def _read_body(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise JobFailed(
            f"body_file {path.resolve()} cannot be read ({exc.strerror}); make it readable "
            "by the runner's user"
        ) from None


def request_timeout(ctx: JobContext, settings: Mapping[str, Any]) -> float:
    """The setting (default 5 min), but never past the job's deadline minus a margin."""
    wanted = parse_duration(settings["timeout"]) if "timeout" in settings else DEFAULT_TIMEOUT
    if ctx.deadline is not None:
        left = ctx.deadline - clock.utcnow() - DEADLINE_MARGIN
        wanted = min(wanted, left)
    if wanted.total_seconds() < 1:
        raise JobFailed("less than 1 s is left before the job's deadline; raise `timeout`")
    return wanted.total_seconds()


def call_until_stopped(call: HttpCall, stop: threading.Event) -> HttpResponse:
    """`perform` in a thread; a stop request or the overall timeout ends the wait."""
    box: list[HttpResponse | BaseException] = []

    def target() -> None:
        try:
            box.append(perform(call))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box.append(exc)

    thread = threading.Thread(target=target, name="http-request", daemon=True)
    thread.start()
    give_up = clock.monotonic() + call.timeout_s + 1
    while thread.is_alive():
        thread.join(0.1)
        if stop.is_set():
            raise JobFailed(f"stopped before {call.shown_url} answered")
        if clock.monotonic() > give_up:
            raise JobFailed(f"no complete response from {call.shown_url} in {call.timeout_s:g} s")
    outcome = box[0]
    if isinstance(outcome, HttpCallError):
        raise JobFailed(str(outcome))
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _wrong_status(
    call: HttpCall,
    response: HttpResponse,
    expected: list[int | str],
    excerpt: str,
    secrets: frozenset[str],
) -> str:
    text = (
        f"{call.method} {call.shown_url} returned {response.status} {response.reason}, "
        f"expected {', '.join(str(e) for e in expected)}"
    )
    if 300 <= response.status < 400 and response.location and not call.follow_redirects:
        text += (
            f" (a redirect to {mask(response.location, secrets)}: set follow_redirects: true "
            "or point url there)"
        )
    body = " ".join(excerpt.split())
    return f"{text}; body: {body[:120]}" if body else text
