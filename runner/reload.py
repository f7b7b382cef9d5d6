"""Rescanning the definitions for the daemon: a stable scan, and what changed.

A scan is accepted only when the tree's fingerprint (every definition file's mtime, size and
inode, the root's identity and git HEAD) is the same before and after reading it, and git is
not writing the index: half a `git checkout` is never loaded. Files whose content did not
change are served from a `ParseCache`, so one changed file in a tree of 1,000 costs one parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.clock import monotonic
from runner.definitions import LoadResult, ParseCache, load_definitions
from runner.definitions.permissions import UNTRUSTED_GIT, PermissionPolicy, blocks_git
from runner.fingerprint import fingerprint
from runner.gitdir import index_lock_path
from runner.jobtypes import JobTypeRegistry
from runner.model import Definitions
from runner.revision import Revision, RevisionError, current_revision

SCAN_ATTEMPTS = 3


@dataclass(frozen=True)
class Scan:
    """One attempt to read the definitions tree."""

    result: LoadResult | None
    """What was read; None when the tree kept changing (`unstable`)."""
    revision: Revision | None
    problems: list[str] = field(default_factory=list)
    """Git problems, in words."""
    unstable: str | None = None
    """Why the scan was thrown away (files moved during it, git writing); None when stable."""
    parsed: int = 0
    """Files actually parsed (the rest came from the cache)."""
    duration_ms: float = 0.0
    """How long the scan took, retries included."""


class Scanner:
    """Reads the definitions directory again and again, reusing unchanged files' results."""

    def __init__(
        self,
        root: Path,
        *,
        timezone: str | None,
        registry: JobTypeRegistry,
        attempts: int = SCAN_ATTEMPTS,
        permissions: PermissionPolicy | None = None,
    ) -> None:
        self.root = root
        self.permissions = permissions
        """Checked on every scan: a change that lets others write the tree is refused."""
        self.timezone = timezone
        self._registry = registry
        self._attempts = attempts
        self._cache = ParseCache()

    def scan(self) -> Scan:
        """Read the tree; up to `attempts` tries while files move under the scan."""
        why = "no attempt"
        started = monotonic()
        for _attempt in range(self._attempts):
            lock = index_lock_path(self.root)
            if lock is not None and lock.exists():
                return Scan(None, None, unstable=f"git is writing ({lock} exists)")
            before = fingerprint(self.root)
            result = load_definitions(
                self.root,
                timezone=self.timezone,
                registry=self._registry,
                cache=self._cache,
                permissions=self.permissions,
            )
            revision, problems = _revision(self.root, result)
            if fingerprint(self.root) == before:
                took = (monotonic() - started) * 1000
                return Scan(result, revision, problems, parsed=self._cache.parsed, duration_ms=took)
            why = "files changed while they were read"
        return Scan(None, None, unstable=why)


def _revision(root: Path, result: LoadResult) -> tuple[Revision | None, list[str]]:
    if blocks_git(result.diagnostics):
        return None, [UNTRUSTED_GIT]
    try:
        return current_revision(root), []
    except RevisionError as exc:
        return None, [str(exc)]


@dataclass(frozen=True)
class Changes:
    """What a reload changed, by name."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    periods_changed: list[str] = field(default_factory=list)
    defaults_changed: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing that affects scheduling changed (e.g. only comments or positions)."""
        return not (
            self.added
            or self.removed
            or self.changed
            or self.periods_changed
            or self.defaults_changed
        )

    def as_log(self) -> dict[str, Any]:
        """The non-empty parts, for one log line."""
        parts: dict[str, Any] = {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "periods_changed": self.periods_changed,
        }
        out = {key: value for key, value in parts.items() if value}
        if self.defaults_changed:
            out["defaults_changed"] = True
        return out


def describe_changes(old: Definitions | None, new: Definitions) -> Changes:
    """Jobs and periods added, removed or changed from `old` to `new` (positions ignored:
    `source` is not part of a definition's equality)."""
    old_jobs: Mapping[str, Any] = old.jobs if old else {}
    old_periods: Mapping[str, Any] = old.timeperiod_defs if old else {}
    return Changes(
        added=sorted(set(new.jobs) - set(old_jobs)),
        removed=sorted(set(old_jobs) - set(new.jobs)),
        changed=_changed(old_jobs, new.jobs),
        periods_changed=sorted(
            set(_changed(old_periods, new.timeperiod_defs))
            | (set(old_periods) ^ set(new.timeperiod_defs))
        ),
        defaults_changed=old is not None and old.defaults != new.defaults,
    )


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in set(old) & set(new) if old[name] != new[name])
