"""Prometheus metrics in the text exposition format, for node_exporter's textfile collector.

Pure: `snapshot()` turns the loaded definitions and the state into sample values and
`render()` formats them; `runner.metricsfile` writes the file. Conventions (see
https://prometheus.io/docs/instrumenting/writing_exporters/): base units (seconds, bytes),
times as Unix timestamps in `*_timestamp_seconds` gauges, counters end in `_total`, an enum
is a state set (one series per value, 1 for the current one), and samples carry **no
timestamps** (node_exporter rejects a whole file that has them). A sample without a value
(a job that never succeeded has no last-success time) is left out, not written as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from runner.model import Definitions

RESULTS = ("success", "failure", "timeout", "interrupted")
"""The values of the `result` label of `jobrunner_job_last_result`."""


@dataclass(frozen=True, slots=True)
class JobSample:
    """One job's values; None where the state has none (the sample is left out)."""

    name: str
    interval_s: float
    last_start: float | None = None
    last_finish: float | None = None
    last_success: float | None = None
    last_duration_s: float | None = None
    last_result: str | None = None
    last_exit_code: int | None = None
    runs: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    waiting_s: float = 0.0


@dataclass(frozen=True, slots=True)
class DaemonSample:
    """The daemon's values (`run --forever` only)."""

    up: bool
    started: float
    degraded: bool = False
    paused: bool = False
    reload_errors: int = 0
    reloads: int = 0
    reload_failures: int = 0
    rss_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything one metrics file shows."""

    jobs: Sequence[JobSample]
    revision: str | None = None
    """The git commit the loaded definitions came from (None outside git)."""
    daemon: DaemonSample | None = None


def snapshot(
    definitions: Definitions,
    records: Mapping[str, Mapping[str, Any]],
    now: datetime,
    *,
    waiting: Mapping[str, datetime] | None = None,
    revision: str | None = None,
    daemon: DaemonSample | None = None,
) -> Snapshot:
    """The snapshot of the defined jobs (state of removed jobs is not shown). `records` are
    the state's JSON-shaped job records; `waiting` maps a job that is due but waits behind
    another one to the instant it became due."""
    due = waiting or {}
    jobs = []
    for name in sorted(definitions.jobs):
        since = due.get(name)
        wait = 0.0 if since is None else max(0.0, (now - since).total_seconds())
        job = definitions.jobs[name]
        jobs.append(job_sample(name, job.interval.total_seconds(), records.get(name, {}), wait))
    return Snapshot(jobs, revision, daemon)


def job_sample(
    name: str, interval_s: float, record: Mapping[str, Any], waiting_s: float = 0.0
) -> JobSample:
    """One job's sample from its state record (SPEC §5 field names)."""
    return JobSample(
        name=name,
        interval_s=interval_s,
        last_start=_epoch(record.get("last_attempt")),
        last_finish=_epoch(record.get("last_finished")),
        last_success=_epoch(record.get("last_success")),
        last_duration_s=record.get("last_duration_s"),
        last_result=record.get("last_result"),
        last_exit_code=record.get("last_exit_code"),
        runs=int(record.get("runs", 0)),
        failures=int(record.get("failures", 0)),
        consecutive_failures=int(record.get("consecutive_failures", 0)),
        waiting_s=waiting_s,
    )


def _epoch(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text).timestamp()


# -- rendering ---------------------------------------------------------------------------

JOB_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("interval_seconds", "interval_s", "The job's interval."),
    ("last_start_timestamp_seconds", "last_start", "Unix time the job's last run started."),
    ("last_finish_timestamp_seconds", "last_finish", "Unix time the job's last run ended."),
    ("last_success_timestamp_seconds", "last_success", "Unix time the job last succeeded."),
    ("last_duration_seconds", "last_duration_s", "How long the job's last run took."),
    (
        "last_exit_code",
        "last_exit_code",
        "Exit code of the last run (negative: killed by that signal; absent: never started).",
    ),
    (
        "consecutive_failures",
        "consecutive_failures",
        "Runs since the last success that did not succeed.",
    ),
    (
        "due_waiting_seconds",
        "waiting_s",
        "How long the job has been due without starting (waiting behind another job).",
    ),
)
JOB_COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("runs_total", "runs", "Runs of the job recorded in the state."),
    ("failures_total", "failures", "Runs of the job that did not succeed."),
)


def render(snap: Snapshot) -> str:
    """The exposition text: HELP and TYPE before each family, one family's samples
    together, no sample timestamps, a final newline."""
    out: list[str] = []
    labels = [(job, f'{{job="{escape_label(job.name)}"}}') for job in snap.jobs]
    for suffix, attribute, help_text in JOB_GAUGES:
        _family(out, f"jobrunner_job_{suffix}", "gauge", help_text)
        _job_samples(out, f"jobrunner_job_{suffix}", labels, attribute)
    name = "jobrunner_job_last_result"
    _family(out, name, "gauge", "1 for the result of the job's last run, 0 for the others.")
    for job, _label in labels:
        if job.last_result is not None:
            escaped = escape_label(job.name)
            for result in RESULTS:
                value = 1 if job.last_result == result else 0
                out.append(f'{name}{{job="{escaped}",result="{result}"}} {value}')
    for suffix, attribute, help_text in JOB_COUNTERS:
        _family(out, f"jobrunner_job_{suffix}", "counter", help_text)
        _job_samples(out, f"jobrunner_job_{suffix}", labels, attribute)
    if snap.revision is not None:
        name = "jobrunner_loaded_revision_info"
        _family(out, name, "gauge", "The git commit the loaded definitions came from.")
        out.append(f'{name}{{revision="{escape_label(snap.revision)}"}} 1')
    if snap.daemon is not None:
        out.extend(_daemon_lines(snap.daemon))
    return "\n".join(out) + "\n"


def _family(out: list[str], name: str, kind: str, help_text: str) -> None:
    out.append(f"# HELP {name} {escape_help(help_text)}")
    out.append(f"# TYPE {name} {kind}")


def _job_samples(
    out: list[str], name: str, labels: Iterable[tuple[JobSample, str]], attribute: str
) -> None:
    for job, label in labels:
        value = getattr(job, attribute)
        if value is not None:
            out.append(f"{name}{label} {format_value(value)}")


DAEMON_FAMILIES: tuple[tuple[str, str, str, str], ...] = (
    ("up", "gauge", "up", "1 while the daemon runs; 0 after a clean exit."),
    ("start_time_seconds", "gauge", "started", "Unix time the daemon started."),
    (
        "degraded",
        "gauge",
        "degraded",
        "1 when the newest definitions do not load and an older revision runs.",
    ),
    ("paused", "gauge", "paused", "1 while job starts are paused (jobrunner pause)."),
    ("reload_errors", "gauge", "reload_errors", "Errors in the newest definitions (0: clean)."),
    ("reloads_total", "counter", "reloads", "Reloads since the daemon started."),
    ("reload_failures_total", "counter", "reload_failures", "Reloads refused because of errors."),
    ("resident_memory_bytes", "gauge", "rss_bytes", "The daemon's resident set size."),
)


def _daemon_lines(daemon: DaemonSample) -> list[str]:
    out: list[str] = []
    for suffix, kind, attribute, help_text in DAEMON_FAMILIES:
        value = getattr(daemon, attribute)
        if value is None:
            continue
        name = f"jobrunner_daemon_{suffix}"
        _family(out, name, kind, help_text)
        out.append(f"{name} {format_value(value)}")
    return out


def format_value(value: float | bool) -> str:
    """A sample value: integers as such, other floats with at most millisecond precision."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def escape_label(value: str) -> str:
    """A label value escaped for the text format: backslash, double quote and newline."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    """HELP text escaped for the text format: backslash and newline."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")
