"""The definition set a daemon runs, and how a scan becomes (or does not become) that set.

A scan whose definitions load without errors replaces the running set as a whole, between
jobs, and the log says what changed and between which revisions. A scan with errors is
refused as a whole: every error is logged with its file and line, the old set keeps running
and the report says the daemon runs an older revision because of errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.definitions import LoadResult, load_from_files
from runner.definitions.permissions import UNTRUSTED_GIT
from runner.diagnostics import Diagnostic
from runner.dispatch import Dispatcher
from runner.jobtypes import JobTypeRegistry
from runner.model import Definitions
from runner.planner import Planner
from runner.reload import Scan, describe_changes
from runner.revision import Revision, RevisionError, read_definition_files
from runner.session import Loaded
from runner.state import StateStore
from runner.statesetup import prepare_state


@dataclass
class Installed:
    """A running definition set with its planner and dispatcher."""

    definitions: Definitions
    planner: Planner
    dispatcher: Dispatcher
    revision: str | None
    """The commit the set was loaded from (the fallback commit when degraded)."""


Builder = Callable[[Definitions, Revision | None], Installed]
"""Makes an `Installed` (planner over the state's timings, dispatcher) for a set."""


def build_installed(
    definitions: Definitions,
    revision: Revision | None,
    *,
    store: StateStore,
    now: datetime,
    make_dispatcher: Callable[[Definitions, Revision | None], Dispatcher],
) -> Installed:
    """Plan `definitions` from the state's timings and give them a dispatcher."""
    timings = store.data.timings(definitions.jobs, now)
    planner = Planner(definitions.jobs, definitions.timeperiods, timings, now)
    commit = revision.commit if revision is not None else None
    return Installed(definitions, planner, make_dispatcher(definitions, revision), commit)


def accept(
    scan: Scan,
    current: Installed | None,
    *,
    store: StateStore,
    now: datetime,
    build: Builder,
    log: Any,
    reason: str,
) -> Installed | None:
    """The new set when `scan` loaded cleanly (state prepared, changes logged), else None
    after logging why it was refused."""
    result = scan.result
    assert result is not None
    for problem in scan.problems:
        log.warning("definitions.git", problem=problem)
    _log_diagnostics(log, [d for d in result.diagnostics if not d.is_error], "warning")
    if not result.ok:
        errors = [d for d in result.diagnostics if d.is_error]
        _log_diagnostics(log, errors, "error")
        log.error(
            "reload.refused",
            reason=reason,
            errors=len(errors),
            revision=_short(scan.revision),
            running=None if current is None else _short_commit(current.revision),
            note="the previous definitions keep running" if current else "no definitions run",
        )
        return None
    store_prepare(store, result, scan.revision, now)
    changes = describe_changes(None if current is None else current.definitions, result.definitions)
    log.info(
        "definitions.loaded" if current is None else "definitions.reloaded",
        reason=reason,
        jobs=len(result.definitions.jobs),
        revision_before=None if current is None else _short_commit(current.revision),
        revision_after=_short(scan.revision),
        dirty=scan.revision.dirty if scan.revision else None,
        parsed_files=scan.parsed,
        scan_ms=round(scan.duration_ms, 1),
        **({} if current is None else changes.as_log()),
    )
    return build(result.definitions, scan.revision)


def store_prepare(
    store: StateStore, result: LoadResult, revision: Revision | None, now: datetime
) -> None:
    """Carry state over renames, note new jobs, remember a clean revision."""
    prepare_state(store, Loaded(result.definitions, revision, result.diagnostics), now)


def load_fallback(
    scan: Scan,
    last_clean: str | None,
    *,
    store: StateStore,
    now: datetime,
    build: Builder,
    log: Any,
    root: Path,
    timezone: str | None,
    registry: JobTypeRegistry,
) -> Installed | None:
    """At start-up with invalid definitions: the last clean revision from git objects."""
    revision = scan.revision
    why = None
    if revision is None:
        why = "the definitions are not in a git work tree: no earlier revision to run"
        if UNTRUSTED_GIT in scan.problems:
            why = UNTRUSTED_GIT
    elif last_clean is None:
        why = "no revision of these definitions has loaded cleanly yet"
    if why is not None or revision is None or last_clean is None:
        log.error("definitions.no_fallback", why=why, note="idle until the definitions are fixed")
        return None
    try:
        files = read_definition_files(revision, last_clean)
    except RevisionError as exc:
        log.error("definitions.no_fallback", why=str(exc))  # noqa: TRY400 - expected, no traceback
        return None
    result = load_from_files(files, root=root, timezone=timezone, registry=registry)
    if not result.ok:
        log.error("definitions.no_fallback", why=f"{last_clean[:7]} no longer loads either")
        return None
    store_prepare(store, result, None, now)
    log.error("definitions.degraded", running=last_clean[:7], newest=revision.short)
    installed = build(result.definitions, None)
    installed.revision = last_clean
    return installed


def _log_diagnostics(log: Any, diagnostics: list[Diagnostic], level: str) -> None:
    for diagnostic in diagnostics:
        getattr(log, level)(
            "definitions.invalid" if level == "error" else "definitions.warning",
            where=diagnostic.location(),
            code=diagnostic.code,
            message=diagnostic.message,
            hint=diagnostic.hint,
        )


def _short(revision: Revision | None) -> str | None:
    return None if revision is None else revision.describe()


def _short_commit(commit: str | None) -> str | None:
    return None if commit is None else commit[:7]
