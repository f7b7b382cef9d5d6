"""One HTTP request for the `http` job type, with the standard library only.

`perform` sends the request and returns the response's status, reason and the first bytes of
its body; every way it can fail raises `HttpCallError` with a message that names the URL (as
written in the definitions, never with resolved secrets), what went wrong and what to do.

Redirects are not followed unless asked; when they are, only to the same scheme, host and
port (so credentials never travel to another server, or from https to http), at most 10.
"""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

MAX_REDIRECTS = 10


class HttpCallError(Exception):
    """The request failed before a response with a status arrived."""


@dataclass(frozen=True, slots=True)
class HttpCall:
    """A resolved request: `url` and `headers` may hold secrets, `shown_url` does not."""

    method: str
    url: str
    shown_url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    timeout_s: float = 30.0
    verify: bool = True
    ca_file: Path | None = None
    follow_redirects: bool = False
    excerpt_bytes: int = 4096


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What came back: status, reason, the first `excerpt_bytes` of the body, its length."""

    status: int
    reason: str
    excerpt: bytes
    truncated: bool
    location: str | None = None


def tls_context(call: HttpCall) -> ssl.SSLContext:
    """Verification on (system CAs, or only `ca_file`), or explicitly off."""
    if not call.verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=str(call.ca_file) if call.ca_file else None)
    except (OSError, ssl.SSLError) as exc:
        raise HttpCallError(
            f"ca_file {call.ca_file} cannot be loaded ({exc}); give a PEM file with the CA "
            "certificate(s) that signed the server's certificate"
        ) from None


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only when asked, and only within the request's origin."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, follow: bool) -> None:
        self.follow = follow

    def redirect_request(  # noqa: PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        """None (the 3xx becomes the response) unless following to the same origin."""
        if not self.follow:
            return None
        if _origin(newurl) != _origin(req.full_url):
            raise HttpCallError(
                f"redirect ({code}) to another origin refused: {_origin(newurl)}; "
                "point `url` at the final address"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def perform(call: HttpCall) -> HttpResponse:
    """Send the request and read the start of the response; `HttpCallError` on failure."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=tls_context(call)),
        _SameOriginRedirects(call.follow_redirects),
    )
    # The schema only admits http:// and https:// URLs (no file:, no custom schemes).
    request = urllib.request.Request(  # noqa: S310
        call.url, data=call.body, headers=call.headers, method=call.method
    )
    try:
        with opener.open(request, timeout=call.timeout_s) as response:
            return _read(response, call.excerpt_bytes)
    except urllib.error.HTTPError as exc:  # a status urllib does not like is still a response
        with exc:
            return _read(exc, call.excerpt_bytes)
    except urllib.error.URLError as exc:
        raise HttpCallError(explain(call, exc.reason)) from None
    except (OSError, ValueError) as exc:
        raise HttpCallError(explain(call, exc)) from None


def _read(response: Any, limit: int) -> HttpResponse:
    data = response.read(limit + 1) if limit > 0 else b""
    return HttpResponse(
        status=int(response.status),
        reason=str(response.reason or ""),
        excerpt=data[:limit],
        truncated=len(data) > limit,
        location=response.headers.get("Location") if response.headers else None,
    )


def explain(call: HttpCall, reason: object) -> str:  # noqa: PLR0911 - one case per cause
    """A failure before any status, in words, with what to do."""
    where = call.shown_url
    parts = urlsplit(call.url)
    host = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    if isinstance(reason, ssl.SSLCertVerificationError):
        why = reason.verify_message or str(reason)
        return (
            f"TLS certificate verification failed for {where}: {why}; set `ca_file` to the CA "
            "that signed the server's certificate (verification stays on by default)"
        )
    if isinstance(reason, ssl.SSLError):
        return f"TLS handshake with {host} failed for {where}: {reason}"
    if isinstance(reason, ConnectionRefusedError):
        return (
            f"cannot connect to {host} for {where}: connection refused; is the service "
            "running and listening on that port?"
        )
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve host {parts.hostname!r} for {where}: {reason.strerror}"
    if isinstance(reason, TimeoutError):
        return f"no response from {host} within {call.timeout_s:g} s for {where}"
    if isinstance(reason, HttpCallError):
        return str(reason)
    text = getattr(reason, "strerror", None) or str(reason)
    return f"request {call.method} {where} failed: {text}"
