"""The metrics text (runner.metrics): values from the state, names and format conventions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.metrics import DaemonSample, JobSample, Snapshot, render, snapshot
from runner.model import Definitions, JobDef
from tests.unit.test_metrics_promtext import parse

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def jobdef(name: str, interval: timedelta = timedelta(minutes=15)) -> JobDef:
    return JobDef(name=name, type="command", interval=interval, settings={"argv": ["true"]})


def definitions(*names: str) -> Definitions:
    return Definitions(root=Path("/jobs"), jobs={name: jobdef(name) for name in names})


RECORDS = {
    "backup": {
        "last_attempt": "2026-11-25T06:00:00.000Z",
        "last_finished": "2026-11-25T06:00:02.500Z",
        "last_result": "failure",
        "last_success": "2026-11-24T06:00:01.250Z",
        "last_exit_code": 3,
        "last_duration_s": 2.5,
        "runs": 10,
        "failures": 4,
        "consecutive_failures": 2,
        "last_error": "exited with code 3: secret-ish text never shown",
    },
    "removed": {"runs": 3},
}


def test_job_values_come_from_the_state_as_unix_seconds() -> None:
    """Timestamps become Unix seconds, counters come from the state's counters."""
    snap = snapshot(
        definitions("backup", "fresh"),
        RECORDS,
        NOW,
        waiting={"fresh": NOW - timedelta(seconds=90)},
        revision="a" * 40,
    )
    families = parse(render(snap))
    when = datetime(2026, 11, 24, 6, 0, 1, 250000, tzinfo=UTC).timestamp()
    assert families["jobrunner_job_last_success_timestamp_seconds"].value(job="backup") == when
    assert families["jobrunner_job_last_duration_seconds"].value(job="backup") == 2.5
    assert families["jobrunner_job_runs_total"].value(job="backup") == 10
    assert families["jobrunner_job_failures_total"].value(job="backup") == 4
    assert families["jobrunner_job_last_exit_code"].value(job="backup") == 3
    assert families["jobrunner_job_interval_seconds"].value(job="fresh") == 900
    assert families["jobrunner_job_due_waiting_seconds"].value(job="fresh") == 90
    assert families["jobrunner_job_due_waiting_seconds"].value(job="backup") == 0
    assert families["jobrunner_loaded_revision_info"].value(revision="a" * 40) == 1


def test_last_result_is_a_state_set_and_never_run_jobs_have_no_times() -> None:
    """One series per result (1 for the last one); a job without runs has no time samples."""
    families = parse(render(snapshot(definitions("backup", "fresh"), RECORDS, NOW)))
    result = families["jobrunner_job_last_result"]
    assert {dict(k)["result"]: v for k, v in result.samples.items()} == {
        "success": 0,
        "failure": 1,
        "timeout": 0,
        "interrupted": 0,
    }
    assert (("job", "fresh"),) not in families["jobrunner_job_last_start_timestamp_seconds"].samples
    assert families["jobrunner_job_runs_total"].value(job="fresh") == 0
    assert all(("job", "removed") not in key for f in families.values() for key in f.samples)


def test_every_family_follows_the_naming_conventions() -> None:
    """jobrunner_ prefix, base units, _total only on counters, HELP on every family."""
    snap = snapshot(
        definitions("backup"),
        RECORDS,
        NOW,
        revision="b" * 40,
        daemon=DaemonSample(up=True, started=NOW.timestamp(), rss_bytes=12345678),
    )
    families = parse(render(snap))
    for name, family in families.items():
        assert name.startswith("jobrunner_")
        assert family.help.endswith(".")
        assert name.endswith("_total") == (family.type == "counter")
        if "time" in name:
            assert name.endswith(("_timestamp_seconds", "_time_seconds"))
    assert families["jobrunner_daemon_up"].value() == 1
    assert families["jobrunner_daemon_resident_memory_bytes"].value() == 12345678


def test_label_values_and_help_are_escaped() -> None:
    """A job name with a quote, backslash and newline round-trips through the parser."""
    odd = 'we"ird\\job\nname'
    snap = Snapshot([JobSample(name=odd, interval_s=60.0, last_result="success", runs=1)])
    families = parse(render(snap))
    assert families["jobrunner_job_runs_total"].value(job=odd) == 1
    assert families["jobrunner_job_last_result"].value(job=odd, result="success") == 1


def test_daemon_after_a_clean_exit_reports_down_and_reload_counts() -> None:
    """up 0 after exit; degraded, paused and reload counters as the daemon reports them."""
    daemon = DaemonSample(
        up=False,
        started=NOW.timestamp(),
        degraded=True,
        paused=True,
        reload_errors=2,
        reloads=5,
        reload_failures=1,
    )
    families = parse(render(Snapshot([], daemon=daemon)))
    assert families["jobrunner_daemon_up"].value() == 0
    assert families["jobrunner_daemon_degraded"].value() == 1
    assert families["jobrunner_daemon_paused"].value() == 1
    assert families["jobrunner_daemon_reload_errors"].value() == 2
    assert families["jobrunner_daemon_reloads_total"].value() == 5
    assert families["jobrunner_daemon_reload_failures_total"].value() == 1
    assert "jobrunner_daemon_resident_memory_bytes" not in families


def test_rendered_text_is_pinned() -> None:
    """The exact text of a one-job file (what the README shows)."""
    snap = snapshot(definitions("backup"), RECORDS, NOW, revision="c" * 7)
    text = render(snap)
    assert text.startswith(
        "# HELP jobrunner_job_interval_seconds The job's interval.\n"
        "# TYPE jobrunner_job_interval_seconds gauge\n"
        'jobrunner_job_interval_seconds{job="backup"} 900\n'
    )
    assert 'jobrunner_job_last_finish_timestamp_seconds{job="backup"} 1795586402.5\n' in text
    assert 'jobrunner_job_last_result{job="backup",result="failure"} 1\n' in text
    assert text.endswith('jobrunner_loaded_revision_info{revision="ccccccc"} 1\n')
    assert "secret-ish" not in text
