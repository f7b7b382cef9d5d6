"""Timestamps in the state: ISO 8601, UTC, milliseconds, `Z` suffix."""

from __future__ import annotations

from datetime import UTC, datetime


def format_instant(at: datetime) -> str:
    """`2026-11-25T05:47:53.123Z`; `at` must be aware."""
    if at.tzinfo is None:
        raise ValueError("state timestamps need an aware datetime")
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(text: str | None) -> datetime | None:
    """The aware UTC datetime written by `format_instant` (None stays None)."""
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC)
