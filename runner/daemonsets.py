"""The daemon's definition set: which one runs, and what a stable scan does to it.

A scan that loads cleanly replaces the running set as a whole (state prepared, changes
logged); one that does not is refused, and the previous set keeps running. At start-up a set
that does not load falls back to the last clean revision from git objects, or to no set at
all (the daemon then idles, waiting for a fix). The report (`daemon.json`, STATUS) is kept in
step: revisions, `degraded`, reload counters and errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runner.daemonloaded import Installed, accept, build_installed, load_fallback
from runner.daemonparts import DaemonParts
from runner.daemonreport import Report
from runner.dispatch import Dispatcher
from runner.executor import Executor
from runner.model import Definitions
from runner.reload import Scan
from runner.revision import Revision


class DefinitionSets:
    """Holds the installed set (`installed`) and applies stable scans to it."""

    def __init__(
        self,
        parts: DaemonParts,
        report: Report,
        log: Any,
        make_executor: Callable[[], Executor],
    ) -> None:
        self.parts = parts
        self.report = report
        self.log = log
        self._make_executor = make_executor
        self.installed: Installed | None = None

    def apply(self, scan: Scan, reason: str, *, first: bool) -> None:
        """Install the scanned set, or refuse it (falling back at start-up); update the report.

        Raises OSError when the state cannot be written (the caller retries later).
        """
        clock, store = self.parts.clock, self.parts.store
        now = clock.now()
        report = self.report
        report.newest_revision = scan.revision.commit if scan.revision else None
        report.newest_dirty = bool(scan.revision and scan.revision.dirty)
        installed = accept(
            scan,
            self.installed,
            store=store,
            now=now,
            build=self._build,
            log=self.log,
            reason=reason,
        )
        result = scan.result
        assert result is not None
        if not first:
            report.reloads += 1
            report.last_reload = now
        if installed is None:
            report.reload_errors = [d for d in result.diagnostics if d.is_error]
            if not first:
                report.reload_failures += 1
                report.last_reload_error = now
            installed = self._fallback(scan) if first else None
            if installed is None:
                if self.installed is None:
                    report.state = "invalid-definitions"
                else:
                    report.degraded = True
                store.sync()
                return
            report.degraded = True
        else:
            report.reload_errors = []
            report.degraded = False
        store.sync()
        self._install(installed)

    def _fallback(self, scan: Scan) -> Installed | None:
        store, scanner = self.parts.store, self.parts.scanner
        return load_fallback(
            scan,
            store.data.last_clean_revision,
            store=store,
            now=self.parts.clock.now(),
            build=self._build,
            log=self.log,
            root=scanner.root,
            timezone=scanner.timezone,
            registry=self.parts.registry,
        )

    def _install(self, installed: Installed) -> None:
        self.installed = installed
        report = self.report
        report.loaded_revision = installed.revision
        report.jobs = len(installed.definitions.jobs)
        if report.state in {"starting", "invalid-definitions"}:
            report.state = "idle"
        self.parts.memory.mark_loaded()

    def _build(self, definitions: Definitions, revision: Revision | None) -> Installed:
        return build_installed(
            definitions,
            revision,
            store=self.parts.store,
            now=self.parts.clock.now(),
            make_dispatcher=self._dispatcher,
        )

    def _dispatcher(self, definitions: Definitions, revision: Revision | None) -> Dispatcher:
        dispatcher = Dispatcher.for_pass(
            definitions,
            self.parts.registry,
            self.parts.store,
            clock=self.parts.clock,
            revision=revision,
            default_timeout=self.parts.default_timeout,
            stop=self.parts.stop,
        )
        dispatcher.executor = self._make_executor()
        return dispatcher
