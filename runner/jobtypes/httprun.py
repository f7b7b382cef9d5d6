"""The `http` type's run, in the worker child: build the request from the settings and what
the runner resolved at launch, send it in a thread that a stop request does not wait for,
copy the start of the response into the output, and fail unless the status is expected."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from runner import clock
from runner.durations import parse_duration
from runner.executor import mask
from runner.jobtypes.httpcall import HttpCall, HttpCallError, HttpResponse, perform
from runner.jobtypes.httpsettings import REQUEST_VARIABLE, status_matches
from runner.jobtypes.python import JobContext, JobFailed

DEADLINE_MARGIN = timedelta(seconds=2)
"""Time left before the job's deadline, so that a late response fails with a clear message."""
DEFAULT_TIMEOUT = timedelta(minutes=5)


def run_request(ctx: JobContext, environ: Mapping[str, str]) -> None:
    """Send the request, write the response excerpt to the output, check the status."""
    call, secrets = build_call(ctx, environ)
    ctx.logger.info("%s %s (timeout %g s)", call.method, call.shown_url, call.timeout_s)
    if not call.verify:
        ctx.logger.warning("TLS verification is off (verify: false)")
    response = call_until_stopped(call, ctx.stop)
    excerpt = mask(response.excerpt.decode("utf-8", "replace"), secrets)
    ctx.logger.info("response: %d %s", response.status, response.reason)
    if excerpt:
        more = " (truncated)" if response.truncated else ""
        print(f"--- response body{more} ---\n{excerpt}\n--- end of response body ---", flush=True)
    expected = list(ctx.settings.get("expected_status") or ["2xx"])
    if not status_matches(response.status, expected):
        raise JobFailed(_wrong_status(call, response, expected, excerpt, secrets))


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
