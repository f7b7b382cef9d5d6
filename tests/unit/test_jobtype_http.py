"""The `http` type's settings (schema, lint checks, launch) and its request against local
HTTP and HTTPS servers."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runner import clock
from runner.clock import utcnow
from runner.definitions import load_from_files
from runner.jobtypes import LaunchContext, LaunchError, default_registry
from runner.jobtypes.http import REQUEST_VARIABLE, HttpType
from runner.jobtypes.httpcall import HttpCall, HttpCallError, perform
from runner.jobtypes.httprun import request_timeout
from runner.jobtypes.httpsettings import status_matches
from runner.jobtypes.python import JobContext, JobFailed
from runner.model import JobDef, Source
from tests.httpserver import Server, self_signed, serve

JOB = """\
kind: Job
name: ping
type: http
interval: 5m
settings:
{settings}
"""


def lint(settings: str) -> list[str]:
    """`LINE:COL CODE message` of each finding of a one-job tree with these settings."""
    text = JOB.format(settings=settings)
    result = load_from_files({"ping.yaml": text.encode()}, root=Path("/defs"), timezone="UTC")
    return [f"{d.line}:{d.column} {d.code} {d.message}" for d in result.diagnostics]


@pytest.fixture
def server() -> Iterator[Server]:
    """A plain HTTP server on 127.0.0.1."""
    with serve() as running:
        yield running


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """An HTTPS server with a self-signed certificate, and that certificate."""
    cert, key, host = self_signed(tmp_path_factory.mktemp("tls"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve(context, host) as running:
        yield running, cert


def test_registered_with_a_schema() -> None:
    """`http` is a built-in type whose schema requires `url`."""
    job_type = default_registry(with_plugins=False).get("http")
    assert job_type is not None
    assert job_type.settings_schema["required"] == ["url"]


def test_valid_settings_lint_cleanly() -> None:
    """References in a credential header, auth and url are accepted."""
    settings = (
        "  method: POST\n  url: https://api.example.com/v1/x?key=${API_KEY}\n"
        "  headers: {Authorization: 'Bearer ${file:/etc/token}', Accept: application/json}\n"
        "  expected_status: [200, 3xx]\n  timeout: 30s\n  ca_file: ca.pem\n"
    )
    assert lint(settings) == []


def test_literal_authorization_header_is_refused() -> None:
    """A literal Authorization value is a lint error at the header's value."""
    found = lint("  url: https://x.example\n  headers: {Authorization: Bearer abc123}\n")
    assert found == [
        "7:28 settings headers.Authorization is a literal credential in the definitions"
    ]


def test_literal_password_and_bearer_are_refused() -> None:
    """auth.basic.password and auth.bearer must use a reference; the username need not."""
    basic = lint("  url: https://x.example\n  auth: {basic: {username: u, password: hunter2}}\n")
    assert [f.split(" ", 2)[2] for f in basic] == [
        "auth.basic.password is a literal credential in the definitions"
    ]
    bearer = lint("  url: https://x.example\n  auth: {bearer: 'abc'}\n")
    assert len(bearer) == 1
    assert "auth.bearer is a literal credential" in bearer[0]


def test_credentials_in_url_bad_reference_and_contradiction() -> None:
    """user:pw@ in the URL, an invalid `${...}` and verify: false plus ca_file are errors."""
    found = lint("  url: https://u:p@x.example/${not valid}\n  verify: false\n  ca_file: ca.pem\n")
    codes = [f.split(" ", 2)[2] for f in found]
    assert codes == [
        "'${not valid}' is not a valid reference",
        "the URL contains user:password@; credentials do not belong in the URL",
        "ca_file has no effect with verify: false",
    ]


def test_schema_refuses_body_and_body_file_and_bad_status() -> None:
    """body and body_file together, and a status class like 6xx, are schema errors."""
    assert any(" schema " in f for f in lint("  url: http://x\n  body: a\n  body_file: b\n"))
    assert any(" schema " in f for f in lint("  url: http://x\n  expected_status: [6xx]\n"))


def test_status_matching() -> None:
    """Numbers match exactly, classes by first digit."""
    assert status_matches(204, ["2xx"])
    assert status_matches(302, [200, 302])
    assert not status_matches(500, ["2xx", 404])


def test_a_status_written_as_a_float_matches() -> None:
    """`expected_status: [200.0]` passes the schema (an integer for JSON Schema); it failed
    every run with "returned 200 OK, expected 200.0"."""
    assert status_matches(200, [200.0])  # type: ignore[list-item]
    assert not status_matches(201, [200.0])  # type: ignore[list-item]


def _job(settings: dict[str, object]) -> JobDef:
    return JobDef(
        name="ping",
        type="http",
        interval=timedelta(minutes=5),
        settings=settings,
        source=Source("jobs/ping.yaml", 1),
    )


def test_launch_resolves_credentials_as_secrets(tmp_path: Path) -> None:
    """References resolve at launch into the worker's request; values become secrets."""
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "pw").write_text("s3cret\n")
    settings = {
        "url": "https://x.example/?k=${KEY}",
        "auth": {"basic": {"username": "ops", "password": "${file:pw}"}},
    }
    spec = HttpType().launch(_job(settings), LaunchContext(tmp_path, {"KEY": "k1"}))
    request = json.loads(spec.env[REQUEST_VARIABLE])
    assert request["url"] == "https://x.example/?k=k1"
    assert request["headers"] == {"Authorization": "Basic b3BzOnMzY3JldA=="}
    assert spec.secrets == {"k1", "s3cret", "b3BzOnMzY3JldA=="}


def test_launch_fails_on_a_missing_variable(tmp_path: Path) -> None:
    """An unset variable is a LaunchError naming the setting and the variable."""
    settings = {"url": "https://x.example", "headers": {"Authorization": "Bearer ${TOKEN}"}}
    with pytest.raises(LaunchError, match=r"settings\.headers\.Authorization: \$\{TOKEN\} is"):
        HttpType().launch(_job(settings), LaunchContext(tmp_path, {}))


def _call(url: str, **kw: object) -> HttpCall:
    return HttpCall(method=str(kw.pop("method", "GET")), url=url, shown_url=url, **kw)  # type: ignore[arg-type]


def test_success_reads_status_and_body(server: Server) -> None:
    """A 200 answer gives status, reason and the body."""
    response = perform(_call(f"{server.url}/ok"))
    assert (response.status, response.reason, response.excerpt) == (200, "OK", b"all fine\n")


def test_wrong_status_is_a_response(server: Server) -> None:
    """A 503 is returned as a response (the type decides), with its body."""
    response = perform(_call(f"{server.url}/fail"))
    assert response.status == 503
    assert response.excerpt.startswith(b"maintenance")


def test_post_sends_headers_and_body(server: Server) -> None:
    """Method, headers and body reach the server."""
    call = _call(f"{server.url}/echo", method="POST", headers={"X-Tag": "t1"}, body=b"hi")
    assert perform(call).excerpt == b"POST auth=- x=t1 body=hi"


def test_excerpt_is_capped(server: Server) -> None:
    """Only `excerpt_bytes` of the body are kept, and truncation is flagged."""
    response = perform(_call(f"{server.url}/big", excerpt_bytes=100))
    assert (len(response.excerpt), response.truncated) == (100, True)


def test_redirects_are_not_followed_by_default(server: Server) -> None:
    """A 302 is the response unless follow_redirects; then same-origin targets are followed."""
    response = perform(_call(f"{server.url}/redirect"))
    assert (response.status, response.location) == (302, "/ok")
    followed = perform(_call(f"{server.url}/redirect", follow_redirects=True))
    assert (followed.status, followed.excerpt) == (200, b"all fine\n")


def test_redirect_to_another_origin_is_refused(server: Server) -> None:
    """Credentials never follow a redirect to another host."""
    with pytest.raises(HttpCallError, match="redirect \\(302\\) to another origin refused"):
        perform(_call(f"{server.url}/away", follow_redirects=True))


def test_connection_refused_is_clear() -> None:
    """Nobody listening: the error names host, port and 'connection refused'."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connecting is refused
        with pytest.raises(HttpCallError) as caught:
            perform(_call(f"http://127.0.0.1:{port}/x"))
    assert str(caught.value) == (
        f"cannot connect to 127.0.0.1:{port} for http://127.0.0.1:{port}/x: connection "
        "refused; is the service running and listening on that port?"
    )


def test_tls_with_ca_file_succeeds(tls: tuple[Server, Path]) -> None:
    """With the server's certificate as ca_file, the request is verified and succeeds."""
    server, cert = tls
    assert perform(_call(f"{server.url}/ok", ca_file=cert)).status == 200


def test_tls_verification_failure_names_verification(tls: tuple[Server, Path]) -> None:
    """A self-signed certificate without ca_file fails, naming verification and the fix."""
    server, _cert = tls
    with pytest.raises(HttpCallError, match="TLS certificate verification failed for") as caught:
        perform(_call(f"{server.url}/ok"))
    assert "self-signed certificate" in str(caught.value)
    assert "set `ca_file`" in str(caught.value)


def test_tls_verify_false_is_explicit(tls: tuple[Server, Path]) -> None:
    """verify: false accepts any certificate."""
    server, _cert = tls
    assert perform(_call(f"{server.url}/ok", verify=False)).status == 200


def _context(deadline_in: timedelta | None, now: datetime | None = None) -> JobContext:
    deadline = None if deadline_in is None else (now or utcnow()) + deadline_in
    return JobContext(
        job="ping",
        run_id="r",
        settings={},
        logger=logging.getLogger("test"),
        deadline=deadline,
        stop=threading.Event(),
        work_dir=None,
    )


def test_timeout_stays_within_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The request timeout is the setting (default 5 min) but ends 2 s before the deadline;
    with less than a second left the job fails at once, saying so."""
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: now)  # no assumption on how fast this runs
    assert request_timeout(_context(None), {}) == 300
    assert request_timeout(_context(None), {"timeout": "30s"}) == 30
    assert request_timeout(_context(timedelta(seconds=10), now), {"timeout": "1h"}) == 8
    assert request_timeout(_context(timedelta(seconds=3), now), {}) == 1
    with pytest.raises(JobFailed, match="less than 1 s is left before the job's deadline"):
        request_timeout(_context(timedelta(seconds=2.999), now), {})
