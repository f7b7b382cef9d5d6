"""Logging with structlog: colourful console lines on a terminal (or with --verbose on a
terminal), JSON lines otherwise (journald-friendly, with `<N>` priority prefixes when stderr
is the journal). Library warnings (watchdog, GitPython) go through the same renderer.

Every event passes a secret mask: values resolved from `${NAME}` / `${file:PATH}` are
replaced by `***` wherever they appear, even inside error messages.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

_SYSLOG_PRIORITY = {"debug": 7, "info": 6, "warning": 4, "error": 3, "critical": 2}
MASK = "***"


class SecretMask:
    """The set of values that must never be logged; thread-safe, shared by all loggers."""

    def __init__(self) -> None:
        self._values: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def add(self, values: Iterable[str]) -> None:
        """Mask `values` from now on (empty strings are ignored: they would mask everything)."""
        with self._lock:
            self._values = self._values | {v for v in values if v}

    def apply(self, text: str) -> str:
        """`text` with every secret value replaced by `***` (longest first)."""
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MASK)
        return text

    def __call__(self, _logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
        """structlog processor: mask every string value of the event."""
        if not self._values:
            return event
        return {key: self._mask_value(value) for key, value in event.items()}

    def _mask_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.apply(value)
        if isinstance(value, list | tuple):
            return type(value)(self._mask_value(v) for v in value)
        if isinstance(value, dict):
            return {k: self._mask_value(v) for k, v in value.items()}
        return value


SECRETS = SecretMask()
"""The process-wide secret mask (the executor adds a job's resolved values to it)."""


def stderr_is_journal(stream: TextIO) -> bool:
    """True when `stream` is connected to the systemd journal (JOURNAL_STREAM matches)."""
    value = os.environ.get("JOURNAL_STREAM", "")
    try:
        device, inode = (int(part) for part in value.split(":"))
        status = os.fstat(stream.fileno())
    except (ValueError, OSError):
        return False
    return (status.st_dev, status.st_ino) == (device, inode)


def _journald_prefix(_logger: WrappedLogger, method: str, rendered: Any) -> Any:
    """Runs after the JSON renderer: journald strips `<N>` and sets PRIORITY=N."""
    return f"<{_SYSLOG_PRIORITY.get(method, 6)}>{rendered}"


def choose_format(log_format: str, stream: TextIO) -> str:
    """`console` or `json` for `--log-format auto|console|json`."""
    if log_format in ("console", "json"):
        return log_format
    return "console" if stream.isatty() else "json"


def configure_logging(
    *,
    verbose: bool = False,
    log_format: str = "auto",
    stream: TextIO | None = None,
    quiet: bool = False,
) -> None:
    """Configure structlog and the stdlib bridge once per process.

    `quiet` (used by `run` off a terminal, so cron mails only problems) logs warnings and
    errors only; `verbose` logs every decision at debug level and wins over `quiet`.
    """
    out = stream or sys.stderr
    fmt = choose_format(log_format, out)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        SECRETS,
    ]
    renderer: list[Processor]
    if fmt == "json":
        renderer = [structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()]
        if stderr_is_journal(out):
            renderer.append(_journald_prefix)
    else:
        colors = out.isatty() and "NO_COLOR" not in os.environ
        renderer = [structlog.dev.ConsoleRenderer(colors=colors)]
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    structlog.configure(
        processors=[*shared, *renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    _bridge_stdlib(out, shared, renderer)


def _bridge_stdlib(out: TextIO, shared: list[Processor], renderer: list[Processor]) -> None:
    """Send library warnings (watchdog's queue overflow, GitPython) through our renderer."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def get_logger(name: str = "jobrunner") -> Any:
    """A structlog logger bound to the component `name`."""
    return structlog.get_logger(name)


def scrub(event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Apply the secret mask to a mapping outside logging (status, metrics, state)."""
    for key, value in list(event.items()):
        if isinstance(value, str):
            event[key] = SECRETS.apply(value)
    return event
