"""Typed errors of the core. The core never prints: it raises these or returns diagnostics."""

from __future__ import annotations


class JobrunnerError(Exception):
    """Base of every error jobrunner raises on purpose (the CLI turns them into messages)."""


class UsageError(JobrunnerError):
    """The command line or its environment is wrong (exit code 2)."""


class DurationError(ValueError):
    """A duration such as `15m` or `1h30m` could not be read."""
