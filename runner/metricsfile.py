"""Writing the metrics file (`--metrics-file`, `JOBRUNNER_METRICS_FILE`) for node_exporter.

The file is replaced atomically (a temp file in the same directory whose name does not end
in `.prom`, then a rename), mode 0644 so that node_exporter, running as another user, can
read it. It is not fsynced: it is rewritten after every run and rebuilt from the state,
so a crash costs nothing but staleness, which `node_textfile_mtime_seconds` shows.

Writing never fails a job or stops the daemon: a path that cannot be written is logged
once (again at most once an hour while it stays broken) with the path and the fix.
With many jobs a write costs more than a run, so writes after runs are spaced at least
`MIN_INTERVAL_S`, and at least `COST_FACTOR` times the last write's own duration, apart;
a skipped write is made by `flush()` (end of a `run` pass, daemon reload and exit) or by
the next run after which no other job is due. The daemon also rewrites the file when job
starts are paused or resumed, and `refresh()`es it at least every `METRICS_REFRESH_S`
(`runner.daemon`), idle or while a job runs.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.clock import Clock
from runner.logconfig import get_logger
from runner.metrics import DaemonSample, render, snapshot
from runner.model import Definitions

if TYPE_CHECKING:
    from runner.daemon import Daemon
    from runner.daemonloaded import Installed

ENV = "JOBRUNNER_METRICS_FILE"
"""The variable that sets the metrics file (the `--metrics-file` option wins)."""
FILE_MODE = 0o644
MIN_INTERVAL_S = 1.0
COST_FACTOR = 20.0
"""Writes after runs take at most 1/COST_FACTOR of the time (5%)."""
RELOG_S = 3600.0


@dataclass
class MetricsFile:
    """The metrics file of one runner process; cheap to call after every run."""

    path: Path
    clock: Clock
    daemon: Callable[[], DaemonSample] | None = None
    """The daemon's values (set by the daemon; None for `run` and `run-job`)."""
    waiting: Callable[[datetime], Mapping[str, datetime]] | None = None
    """Jobs that are due but wait, with the instant each became due (the daemon's planner)."""
    more_due: Callable[[datetime], bool] | None = None
    """True when another job starts right away (then a throttled write may wait for it)."""
    _source: tuple[Definitions, Mapping[str, Mapping[str, Any]], str | None] | None = field(
        default=None, init=False, repr=False
    )
    _next_at: float = field(default=float("-inf"), init=False, repr=False)
    _pending: bool = field(default=False, init=False, repr=False)
    _failing_since: float | None = field(default=None, init=False, repr=False)
    _logged_at: float = field(default=float("-inf"), init=False, repr=False)
    _attempted_at: float = field(default=float("-inf"), init=False, repr=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], clock: Clock) -> MetricsFile | None:
        """The metrics file `JOBRUNNER_METRICS_FILE` names, or None when it is unset."""
        value = environ.get(ENV, "").strip()
        return cls(Path(value), clock) if value else None

    def update(
        self,
        definitions: Definitions,
        records: Mapping[str, Mapping[str, Any]],
        revision: str | None,
    ) -> None:
        """What the next write shows: the loaded set, the state's job records, the commit."""
        self._source = (definitions, records, revision)

    def after_run(self) -> None:
        """Write now, or later when the last write was too recent and another job follows
        (or, without `more_due`, at `flush()`)."""
        if self.clock.monotonic() >= self._next_at:
            self.write()
            return
        if self.more_due is None or self.more_due(self.clock.now()):
            self._pending = True
        else:
            self.write()

    def flush(self) -> None:
        """Make a write that `after_run` put off, or the first one (end of a `run` pass)."""
        if self._pending or self._next_at == float("-inf"):
            self.write()

    def refresh(self, max_age_s: float) -> None:
        """Write when the last write (or attempt) is `max_age_s` old and pacing allows: the
        daemon calls this while idle and while a job runs, so waiting times grow and the
        file's mtime shows a live daemon between runs."""
        mono = self.clock.monotonic()
        if self._source is None or mono < self._next_at:
            return
        if mono - self._attempted_at >= max_age_s:
            self.write()

    def write(self) -> bool:
        """Render and replace the file now; False (logged) when it could not be written."""
        self._pending = False
        if self._source is None:
            return False
        start = self.clock.monotonic()
        self._attempted_at = start
        try:
            replace_file(self.path, self.render())
        except OSError as exc:
            self._failed(exc, start)
            return False
        end = self.clock.monotonic()
        self._next_at = end + max(MIN_INTERVAL_S, COST_FACTOR * (end - start))
        if self._failing_since is not None:
            self._failing_since = None
            get_logger("jobrunner").info("metrics.written", path=str(self.path))
        return True

    def render(self) -> str:
        """The file's text as of now."""
        assert self._source is not None
        definitions, records, revision = self._source
        now = self.clock.now()
        return render(
            snapshot(
                definitions,
                records,
                now,
                waiting=None if self.waiting is None else self.waiting(now),
                revision=revision,
                daemon=None if self.daemon is None else self.daemon(),
            )
        )

    def _failed(self, exc: OSError, at: float) -> None:
        if self._failing_since is None:
            self._failing_since = at
        elif at - self._logged_at < RELOG_S:
            return
        self._logged_at = at
        get_logger("jobrunner").warning(
            "metrics.not_written",
            path=str(self.path),
            error=exc.strerror or str(exc),
            hint=(
                f"create {self.path.parent} and let this user write it (node_exporter reads "
                "it with --collector.textfile.directory), or point --metrics-file / "
                f"{ENV} elsewhere; jobs keep running, this is logged again in an hour"
            ),
        )


def replace_file(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, mode 0644 (temp file in the same directory)."""
    # One fixed temp name (only the runner holding the state lock writes): a crash leaves
    # at most one stale temp file, which node_exporter ignores and the next write reuses.
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    try:
        try:
            os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away
            data = memoryview(text.encode())
            while data:
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def add_metrics_option(parser: argparse.ArgumentParser) -> None:
    """`--metrics-file PATH` on the commands that run jobs (`run`, `run --forever`, `run-job`)."""
    parser.add_argument(
        "--metrics-file",
        metavar="PATH",
        help=f"write Prometheus metrics here after each run (env {ENV}; e.g. "
        "/var/lib/prometheus/node-exporter/jobrunner.prom)",
    )


def apply_metrics_option(args: argparse.Namespace) -> None:
    """Make `--metrics-file` win over `JOBRUNNER_METRICS_FILE` (the dispatcher reads that)."""
    value = getattr(args, "metrics_file", None)
    if value:
        os.environ[ENV] = str(Path(value).absolute())


def daemon_write(metrics: MetricsFile, daemon: Daemon) -> None:
    """Point `metrics` at the daemon's installed set and write now (after a reload, at exit).

    The installed dispatcher gets this same object, so runs, reloads and exit share its
    pacing and its logged-once state. Never raises.
    """
    installed = daemon.installed
    try:
        metrics.daemon = lambda: daemon_sample(daemon)
        if installed is None:
            metrics.update(Definitions(root=daemon.parts.scanner.root), {}, None)
            metrics.waiting = metrics.more_due = None
        else:
            installed.dispatcher.metrics = metrics
            metrics.update(installed.definitions, daemon.parts.store.data.jobs, installed.revision)
            metrics.waiting = lambda now: _waiting(daemon, installed, now)
            # Jobs that were due when the current one started (itself excluded: the planner
            # still holds its old entry until the run returns) run right after it.
            metrics.more_due = lambda _now: (
                daemon.report.pause is None and bool(daemon.report.waiting)
            )
        metrics.write()
    except Exception as exc:  # noqa: BLE001 - metrics must never stop the daemon
        get_logger("jobrunner").warning("metrics.error", path=str(metrics.path), error=repr(exc))


def daemon_sample(daemon: Daemon) -> DaemonSample:
    """The daemon's own values, from its report."""
    report = daemon.report
    return DaemonSample(
        up=report.state != "stopped",
        started=report.started.timestamp(),
        degraded=report.degraded,
        paused=report.pause is not None,
        reload_errors=len(report.reload_errors),
        reloads=report.reloads,
        reload_failures=report.reload_failures,
        rss_bytes=daemon.parts.memory.rss() or None,
    )


def _waiting(daemon: Daemon, installed: Installed, now: datetime) -> dict[str, datetime]:
    current = daemon.report.current
    exclude = "" if current is None else current.job
    due = installed.planner.waiting(now, exclude=exclude, limit=len(installed.definitions.jobs))
    return {item.name: item.due_at for item in due}
