"""Local HTTP and HTTPS servers for the `http` job type's tests (standard library only).

The HTTPS server uses a self-signed certificate for 127.0.0.1 made with `openssl`; without
`openssl`, CPython's own test certificate (CN=localhost) is used when the `test` package is
installed; without either the HTTPS tests are skipped with that reason (reported by -ra).
"""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers by path: /ok, /fail (503), /redirect, /away, /echo, /hang (until released)."""

    release: threading.Event
    waiting: threading.Event

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Keep the test output quiet."""

    def _answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Dispatch on the path."""
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else b""
        if self.path == "/ok":
            self._answer(200, b"all fine\n")
        elif self.path == "/fail":
            self._answer(503, b"maintenance until 12:00, try later\n")
        elif self.path == "/redirect":
            self._answer(302, b"", Location="/ok")
        elif self.path == "/away":
            self._answer(302, b"", Location="http://192.0.2.1:9/elsewhere")
        elif self.path == "/echo":
            auth = self.headers.get("Authorization") or "-"
            text = f"{self.command} auth={auth} x={self.headers.get('X-Tag')} body={sent.decode()}"
            self._answer(200, text.encode())
        elif self.path == "/big":
            self._answer(200, b"x" * 10_000)
        elif self.path == "/hang":
            self.waiting.set()
            self.release.wait(30)
            self._answer(200, b"late\n")
        else:
            self._answer(404, b"no such page\n")

    def do_POST(self) -> None:
        """Same as GET."""
        self.do_GET()

    def do_PUT(self) -> None:
        """Same as GET."""
        self.do_GET()


@dataclass
class Server:
    """A running server: its base URL, the event set while /hang holds a request, and the
    event that releases it."""

    url: str
    release: threading.Event
    waiting: threading.Event


@contextmanager
def serve(context: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> Iterator[Server]:
    """A threading server on 127.0.0.1 (TLS with `context`; URLs name `host`), stopped
    afterwards."""
    release, waiting = threading.Event(), threading.Event()
    handler = type("BoundHandler", (Handler,), {"release": release, "waiting": waiting})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    scheme = "https" if context is not None else "http"
    try:
        yield Server(f"{scheme}://{host}:{server.server_address[1]}", release, waiting)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


def self_signed(directory: Path) -> tuple[Path, Path, str]:
    """(certificate, key, host name it is valid for); skips the test with the reason when
    no certificate can be made."""
    openssl = shutil.which("openssl")
    if openssl:
        cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj",
             "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cert, key, "127.0.0.1"
    try:
        import test

        keycert = Path(test.__file__).parent / "keycert.pem"
    except ImportError:
        keycert = Path("/nonexistent")
    if keycert.exists():
        return keycert, keycert, "localhost"
    pytest.skip("no openssl and no CPython test certificate: cannot make a TLS certificate")
