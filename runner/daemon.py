"""The daemon loop (`run --forever`): plan, run one due job, record, check memory, else wait.

The loop owns the state store (it holds the lock) and is the only consumer of the inbox.
It blocks on the inbox until the next job is due, a message comes (file change, SIGHUP,
SIGTERM, pause, run request) or at most `MAX_WAIT_S`, so an idle daemon does not poll and a
wall-clock jump costs at most that much lateness. Reloads happen between jobs only; a set that
does not load is refused as a whole and the previous one keeps running. The daemon never
exits because of definitions: only on a stop request or the memory guard, both with code 0.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from runner.daemonfile import Pause, read_pause, write_daemon
from runner.daemonloaded import Installed
from runner.daemonparts import DaemonParts
from runner.daemonreport import Report, Running
from runner.daemonsets import DefinitionSets
from runner.executor import Executor, Outcome
from runner.inbox import Message, PauseChanged, ReloadRequested, RunRequested, Stop
from runner.logconfig import get_logger
from runner.metricsfile import MetricsFile, daemon_write
from runner.model import JobDef
from runner.runrequests import PendingRequest, answer, pending
from runner.sdnotify import ready, reloading, status, stopping
from runner.statesetup import recover
from runner.supervise import reap_orphans

MAX_WAIT_S = 60.0
HEARTBEAT_S = MAX_WAIT_S
"""daemon.json is rewritten at least this often; an idle daemon wakes for nothing else."""
RETRY_SCAN_S = 0.3
"""A scan thrown away because the tree moved under it is retried after this long."""
REPORT_AFTER_S = 1.0
"""A job still running after this long is shown in daemon.json and STATUS."""
DISK_RETRY_S = 5.0
"""While the state cannot be written (a full disk), a job start is retried this often."""
RECHECK_S = 5.0
"""pause.json and requests/ are re-read at least this often, in case a file event was lost."""
METRICS_REFRESH_S = MAX_WAIT_S / 2
"""The metrics file is rewritten at least this often while a job runs (waiting times grow);
an idle daemon wakes at least every MAX_WAIT_S, so its file is never much older than that."""


class Daemon:
    """One daemon: `serve()` runs until a stop request or the memory guard; returns 0."""

    def __init__(self, parts: DaemonParts) -> None:
        self.parts = parts
        self.log = get_logger("jobrunner")
        self.state_dir: Path = parts.store.paths.directory
        self.report = Report(started=parts.clock.now())
        self.sets = DefinitionSets(parts, self.report, self.log, self.executor)
        self._retry_at: float | None = None
        self._last_write = -1e18
        self._pause: Pause | None = None
        self._stop_noted = 0
        self._pause_stale = True
        self._requests_stale = True
        self._rechecked = -1e18
        self._unwritable_since: datetime | None = None
        self._reported: Running | None = None
        """The running job daemon.json last showed."""
        self.metrics = MetricsFile.from_environ(parts.environ or os.environ, parts.clock)

    @property
    def installed(self) -> Installed | None:
        """The definition set the daemon runs (None before the first good load)."""
        return self.sets.installed

    # -- the loop ----------------------------------------------------------------------

    def serve(self) -> int:
        """Start, then loop until stopped; always returns 0 (SPEC §4)."""
        self._start()
        try:
            while not self._stopping():
                try:
                    if self._turn():
                        return 0
                except OSError as exc:  # the state cannot be written: a full disk, say
                    self._unwritable(exc)
        finally:
            self._shutdown()
        return 0

    def _turn(self) -> bool:
        """Run one due job, or wait for the next thing to do; True: the memory guard says exit."""
        self._drain(0.0)
        if self._stopping():
            return False
        if self._run_next():
            self._writable()
            return self._memory_says_exit()
        self._idle()
        self._drain(self._wait_s())
        return False

    def _unwritable(self, exc: OSError) -> None:
        """Say once that the state cannot be written; start no job and retry after a while.
        The last good state stays on disk and what is not yet written stays buffered."""
        self.report.current = None
        self.report.state = "idle"
        if self._unwritable_since is None:
            self._unwritable_since = self.parts.clock.now()
            self.log.error(
                "state.unwritable",
                error=str(exc),
                retry_s=DISK_RETRY_S,
                note="no job starts until the state directory can be written again",
            )
        message = self.parts.inbox.get(DISK_RETRY_S)
        if message is not None:
            self.parts.inbox.put(message)  # handled by the next turn

    def _writable(self) -> None:
        if self._unwritable_since is not None:
            since = self._unwritable_since.isoformat(timespec="seconds")
            self.log.warning("state.writable", unwritable_since=since)
            self._unwritable_since = None

    def _stopping(self) -> bool:
        return self.parts.stop.level > 0

    def _drain(self, timeout: float) -> None:
        message = self.parts.inbox.get(timeout)
        while message is not None:
            self._handle(message)
            message = self.parts.inbox.get(0.0)
        self._housekeeping()

    def _handle(self, message: Message) -> None:
        if isinstance(message, ReloadRequested):
            self._reload(message.reason)
        elif isinstance(message, Stop):
            self._note_stop()
        elif isinstance(message, PauseChanged):
            self._pause_stale = True
        elif isinstance(message, RunRequested):
            self._requests_stale = True
        # Wake only wakes the loop. Events can be lost (inotify overflow), so pause.json and
        # requests/ are also looked at every RECHECK_S: a lost event costs that much at most.

    def _note_stop(self) -> None:
        """Log a stop request once per level, from the loop (never from the signal handler)."""
        level = self.parts.stop.level
        if level > self._stop_noted:
            self._stop_noted = level
            current = self.report.current
            self.log.info(
                "daemon.stop_requested",
                immediate=level >= 2,
                job=None if current is None else current.job,
                note="the running job gets SIGKILL now"
                if level >= 2
                else "no new job starts; the running job gets SIGTERM and the grace period",
            )

    def _run_next(self) -> bool:
        """Run one requested or due job; False when there is nothing to run now."""
        mono = self.parts.clock.monotonic()
        if mono - self._rechecked >= RECHECK_S:
            self._rechecked = mono
            self._pause_stale = self._requests_stale = True
        if self._pause_stale:
            self._pause_stale = False
            self._read_pause()
        if self._requests_stale:
            requests = pending(self.state_dir)
            if requests:
                self._run_requested(requests[0])
                return True  # stays stale: more requests may wait
            self._requests_stale = False
        installed = self.installed
        if installed is None or self._pause is not None:
            return False
        now = self.parts.clock.now()
        item = installed.planner.next_due(now)
        if item is None:
            return False
        self._run(installed, installed.definitions.jobs[item.name], item.due_at)
        return True

    def _run(self, installed: Installed, job: JobDef, due_at: datetime | None) -> Outcome:
        clock = self.parts.clock
        self.report.current = Running(job.name, clock.now())
        self.report.state = "running"
        self.report.waiting = installed.planner.waiting(clock.now(), exclude=job.name)
        outcome = installed.dispatcher.run(job, due_at)
        now = clock.now()
        state = self.parts.store.job(job.name)
        if state is not None:
            installed.planner.refresh(job.name, state.timing(now), now)
        self.report.current = None
        if not self._stopping():
            self.parts.stop.clear()
        return outcome

    def _run_requested(self, request: PendingRequest) -> None:
        installed = self.installed
        job = None if installed is None else installed.definitions.jobs.get(request.job)
        if installed is None or job is None:
            why = "no definitions are loaded" if installed is None else "unknown job"
            rejected: dict[str, object] = {"job": request.job, "result": "rejected", "error": why}
            if installed is not None:  # the client names the closest ones, as without a daemon
                rejected["known"] = sorted(installed.definitions.jobs)
            answer(self.state_dir, request.request_id, rejected)
            return
        self.log.info("job.requested", job=job.name, by=request.by, paused=self._pause is not None)
        outcome = self._run(installed, job, None)
        answer(
            self.state_dir,
            request.request_id,
            {
                "job": job.name,
                "result": str(outcome.result),
                "exit_code": outcome.exit_code,
                "error": outcome.error,
                "duration_s": round(outcome.duration_s, 3),
                "output": str(outcome.output_path),
            },
        )

    def _wait_s(self) -> float:
        """Seconds until something is due: a job, a scan retry, a watchdog ping, a heartbeat."""
        mono = self.parts.clock.monotonic()
        wait = MAX_WAIT_S
        installed = self.installed
        if installed is not None and self._pause is None:
            now = self.parts.clock.now()
            wake = installed.planner.next_wakeup(now)
            if wake is not None:
                wait = min(wait, (wake - now).total_seconds())
        deadlines = [self._retry_at, self._last_write + HEARTBEAT_S]
        if self.parts.pinger is not None:
            deadlines.append(self.parts.pinger.next_due())
        for deadline in deadlines:
            if deadline is not None:
                wait = min(wait, deadline - mono)
        return max(0.0, wait)

    # -- start and stop ----------------------------------------------------------------

    def _start(self) -> None:
        clock = self.parts.clock
        recover(self.parts.store, clock.now())
        self._reload("start-up", first=True)
        self._read_pause()
        ready(self.parts.notifier, self.report.status_line(clock.now()))
        self.log.info(
            "daemon.ready",
            jobs=self.report.jobs,
            revision=_short(self.report.loaded_revision),
            degraded=self.report.degraded,
            pid=os.getpid(),
        )

    def _shutdown(self) -> None:
        self.report.state = "stopping"
        stopping(self.parts.notifier, "stopping")
        try:
            self.parts.store.sync()
        except OSError as exc:
            self.log.warning("state.unwritable", error=str(exc), note="at stop")
        self.report.state = "stopped"
        self.report.current = None
        self._write_report(force=True)
        self._write_metrics()  # jobrunner_daemon_up 0
        self.log.info("daemon.stopped")

    def _memory_says_exit(self) -> bool:
        memory = self.parts.memory
        notice = memory.take_notice()
        if notice:
            self.log.warning("memory.limit", message=notice)
        verdict = memory.should_exit()
        if verdict.exit:
            self.log.warning("memory.exit", reason=verdict.reason)
        return verdict.exit

    # -- reloads -----------------------------------------------------------------------

    def _reload(self, reason: str, *, first: bool = False) -> None:
        notifier, clock = self.parts.notifier, self.parts.clock
        if not first:
            reloading(notifier, "reloading definitions", clock.monotonic())
        self._retry_at = None
        scan = self.parts.scanner.scan()
        if scan.unstable is not None:
            self.log.info("reload.deferred", reason=reason, why=scan.unstable)
            self._retry_at = clock.monotonic() + RETRY_SCAN_S
        else:
            try:
                self.sets.apply(scan, reason, first=first)
            except OSError:  # the state cannot be written: load the set again later
                self._retry_at = clock.monotonic() + DISK_RETRY_S
                raise
            self._write_metrics()
        if not first:
            ready(notifier, self.report.status_line(clock.now()))
        self._write_report(force=True)

    def _write_metrics(self) -> None:
        """Rewrite the metrics file (`--metrics-file`), if one is set; never raises."""
        if self.metrics is not None:
            daemon_write(self.metrics, self)

    def _refresh_metrics(self) -> None:
        """Rewrite the metrics file when it is `METRICS_REFRESH_S` old; never raises."""
        if self.metrics is None:
            return
        try:
            self.metrics.refresh(METRICS_REFRESH_S)
        except Exception as exc:  # noqa: BLE001 - metrics must never stop the daemon
            self.log.warning("metrics.error", path=str(self.metrics.path), error=repr(exc))

    # -- housekeeping ------------------------------------------------------------------

    def _read_pause(self) -> None:
        pause = read_pause(self.state_dir)
        if pause != self._pause:
            if pause is None:
                self.log.info("daemon.resumed")
            else:
                self.log.warning("daemon.paused", by=pause.by, reason=pause.reason)
            self._pause = pause
            self.report.pause = pause
            self._write_report(force=True)
            self._write_metrics()  # jobrunner_daemon_paused: no run would rewrite it
            status(self.parts.notifier, self.report.status_line(self.parts.clock.now()))

    def _housekeeping(self) -> None:
        mono = self.parts.clock.monotonic()
        if self.parts.pinger is not None:
            self.parts.pinger.maybe_ping(mono)
        if self._retry_at is not None and mono >= self._retry_at:
            self._reload("retry after the tree changed during a scan")
        if self.parts.reap_orphans:
            reap_orphans()
        self._write_report()
        self._refresh_metrics()

    def _idle(self) -> None:
        """Going to wait: show what comes next."""
        installed = self.installed
        now = self.parts.clock.now()
        if installed is not None:
            state = "paused" if self._pause is not None else "idle"
            wake = installed.planner.peek(now)
            changed = (
                wake != self.report.next_due
                or bool(self.report.waiting)
                or state != self.report.state
            )
            self.report.state = state
            self.report.next_due = wake
            self.report.waiting = []
            if changed:
                self._write_report(force=True)
                status(self.parts.notifier, self.report.status_line(now))
        if self.metrics is not None:
            self.metrics.flush()  # a write put off after a run because another job followed
        self.parts.store.maybe_compact()

    def tick(self) -> None:
        """Called by the executor every second while a job runs: ping, show the job."""
        mono = self.parts.clock.monotonic()
        if self.parts.pinger is not None:
            self.parts.pinger.maybe_ping(mono)
        self._note_stop()
        self._refresh_metrics()
        current = self.report.current
        if current is None:
            return
        now = self.parts.clock.now()
        if (now - current.started).total_seconds() >= REPORT_AFTER_S:
            # The first report of a job is written at once (`status` reads it); later ones
            # at most every HEARTBEAT_S / 6, whatever was written just before the job.
            if current is not self._reported or mono - self._last_write >= HEARTBEAT_S / 6:
                installed = self.installed
                if installed is not None:  # jobs that became due meanwhile wait too
                    self.report.waiting = installed.planner.waiting(now, exclude=current.job)
                self._write_report(force=True)
                self._reported = current
            status(self.parts.notifier, self.report.status_line(now))

    def _write_report(self, *, force: bool = False) -> None:
        mono = self.parts.clock.monotonic()
        if not force and mono - self._last_write < HEARTBEAT_S:
            return
        self._last_write = mono
        memory = self.parts.memory
        self.report.memory = {
            "rss_bytes": memory.rss(),
            "loaded_rss_bytes": memory.loaded_rss,
            "limit_bytes": memory.limit_bytes,
        }
        try:
            write_daemon(self.state_dir, self.report.document(self.parts.clock.now()))
        except OSError as exc:
            self.log.warning("daemon.json not written", error=str(exc))

    def executor(self) -> Executor:
        """The executor for the installed set's dispatcher: ticks once a second."""
        return Executor(
            clock=self.parts.clock,
            environ=self.parts.environ if self.parts.environ is not None else dict(os.environ),
            tick=self.tick,
            tick_interval_s=1.0,
        )


def _short(revision: str | None) -> str | None:
    return None if revision is None else revision[:7]
