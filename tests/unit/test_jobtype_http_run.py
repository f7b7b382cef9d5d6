"""The `http` type end to end: in a real worker child started by the executor, as the
runner runs it (output file, error message, secrets masked, stop request)."""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from runner.clock import SystemClock
from runner.executor import Executor, Outcome, Result, RunRequest
from runner.jobtypes import LaunchContext
from runner.jobtypes.http import HttpType
from runner.model import JobDef, Source
from runner.stop import StopRequest
from tests.httpserver import Server, self_signed, serve


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A plain HTTP server on 127.0.0.1."""
    with serve() as running:
        yield running


def run_job(
    tmp_path: Path,
    settings: dict[str, Any],
    environ: dict[str, str] | None = None,
    stop: StopRequest | None = None,
    **executor_kw: Any,
) -> tuple[Outcome, str]:
    """Run an http job in a worker child; return the outcome and the output file's text."""
    job = JobDef(
        name="ping",
        type="http",
        interval=timedelta(minutes=5),
        settings=settings,
        source=Source("ping.yaml", 1),
    )
    env = {**os.environ, **(environ or {})}
    spec = HttpType().launch(job, LaunchContext(root=tmp_path, environ=env))
    request = RunRequest(
        job="ping",
        run_id="r1",
        spec=spec,
        timeout=timedelta(seconds=60),
        output_path=tmp_path / "out.log",
    )
    outcome = Executor(clock=SystemClock(), environ=env, **executor_kw).run(request, stop=stop)
    return outcome, (tmp_path / "out.log").read_text()


def test_success_writes_the_response_excerpt(server: Server, tmp_path: Path) -> None:
    """A 200 is success; status and body are in the run's output."""
    outcome, output = run_job(tmp_path, {"url": f"{server.url}/ok"})
    assert outcome.result is Result.SUCCESS, output
    assert f"INFO GET {server.url}/ok (timeout " in output
    assert "INFO response: 200 OK" in output
    assert "all fine" in output


def test_wrong_status_fails_with_status_and_body(server: Server, tmp_path: Path) -> None:
    """A 503 fails; the error names the status, what was expected and the body."""
    outcome, _output = run_job(tmp_path, {"url": f"{server.url}/fail"})
    assert (outcome.result, outcome.exit_code) == (Result.FAILURE, 1)
    assert outcome.error == (
        f"exited with code 1: ping: GET {server.url}/fail returned 503 Service Unavailable, "
        "expected 2xx; body: maintenance until 12:00, try later"
    )


def test_expected_status_and_unfollowed_redirect(server: Server, tmp_path: Path) -> None:
    """A listed status succeeds; an unexpected 302 says where it points and what to do."""
    assert run_job(tmp_path, {"url": f"{server.url}/fail", "expected_status": [503]})[0].result
    outcome, _ = run_job(tmp_path, {"url": f"{server.url}/redirect"})
    assert outcome.error is not None
    assert "returned 302 Found, expected 2xx (a redirect to /ok: set follow_redirects" in (
        outcome.error
    )


def test_credentials_sent_and_masked(server: Server, tmp_path: Path) -> None:
    """A token from the environment reaches the server and never the output or error."""
    settings = {
        "url": f"{server.url}/echo",
        "method": "POST",
        "body": "x",
        "headers": {"Authorization": "Bearer ${API_TOKEN}"},
        "expected_status": [201],
    }
    outcome, output = run_job(tmp_path, settings, {"API_TOKEN": "tok-9f8e7d"})
    assert outcome.result is Result.FAILURE
    assert "auth=Bearer ***" in output
    assert "tok-9f8e7d" not in output
    assert outcome.error is not None
    assert "tok-9f8e7d" not in outcome.error


def test_missing_credential_fails_before_sending(server: Server, tmp_path: Path) -> None:
    """An unset variable is a LaunchError: the run fails naming the setting, nothing is sent."""
    settings = {"url": f"{server.url}/ok", "auth": {"bearer": "${NOT_SET_ANYWHERE}"}}
    with pytest.raises(Exception, match=r"settings\.auth\.bearer: \$\{NOT_SET_ANYWHERE\}"):
        run_job(tmp_path, settings)


def test_connection_refused_fails_clearly(tmp_path: Path) -> None:
    """Nothing listening: failure whose error says connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/x"
        outcome, _ = run_job(tmp_path, {"url": url})
    assert outcome.result is Result.FAILURE
    assert outcome.error is not None
    assert f"for {url}: connection refused; is the service running" in outcome.error


def test_tls_failure_names_verification(tmp_path: Path) -> None:
    """A self-signed server fails the job with the verification error; ca_file fixes it."""
    cert, key, host = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve(context, host) as tls:
        outcome, _ = run_job(tmp_path, {"url": f"{tls.url}/ok"})
        fixed, _ = run_job(tmp_path, {"url": f"{tls.url}/ok", "ca_file": str(cert)})
    assert outcome.error is not None
    assert f"TLS certificate verification failed for {tls.url}/ok" in outcome.error
    assert fixed.result is Result.SUCCESS


def test_stop_request_ends_a_hanging_request(server: Server, tmp_path: Path) -> None:
    """A stop while the server is silent ends the job within the grace, without SIGKILL."""
    stop = StopRequest()

    def tick() -> None:
        if server.waiting.is_set() and not stop.level:
            stop.request()

    kw = {"tick": tick, "tick_interval_s": 0.01, "grace": timedelta(seconds=20)}
    outcome, output = run_job(tmp_path, {"url": f"{server.url}/hang"}, stop=stop, **kw)
    stop.close()
    assert outcome.result is Result.INTERRUPTED
    assert outcome.exit_code == 1
    assert f"stopped before {server.url}/hang answered" in output
    assert outcome.duration_s < 15
