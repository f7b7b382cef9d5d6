"""Run files: the summary line at the end of a run's output, older `.json` summaries, and
last attempts from the future after the wall clock was stepped back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.state import (
    StateStore,
    append_run_summary,
    format_instant,
    load_state,
    read_run_output,
    read_run_summary,
)
from runner.testing import FakeClock

SUMMARY = {"job": "a", "run_id": "r1", "result": "failure", "exit_code": 3}


def test_summary_is_the_last_line_and_output_reads_without_it(tmp_path: Path) -> None:
    """The summary is appended after the job's output; readers get both apart again."""
    output = tmp_path / "r1.log"
    output.write_bytes(b"line one\nline two\n")
    append_run_summary(output, SUMMARY)
    assert output.read_bytes().splitlines()[-1].startswith(b"[jobrunner] {")
    assert read_run_summary(output) == SUMMARY
    assert read_run_output(output) == b"line one\nline two\n"


def test_output_without_final_newline_gets_one_before_the_summary(tmp_path: Path) -> None:
    """A job whose last line has no newline still leaves the summary on a line of its own."""
    output = tmp_path / "r1.log"
    output.write_bytes(b"partial")
    append_run_summary(output, SUMMARY)
    assert read_run_summary(output) == SUMMARY
    assert read_run_output(output) == b"partial\n"


def test_job_that_never_started_gets_a_file_with_only_the_summary(tmp_path: Path) -> None:
    """No output file yet (the job type could not launch it): the summary creates it."""
    output = tmp_path / "runs" / "a" / "r1.log"
    append_run_summary(output, SUMMARY)
    assert read_run_summary(output) == SUMMARY
    assert read_run_output(output) == b""
    assert oct(output.stat().st_mode & 0o777) == "0o640"


def test_unfinished_run_and_a_forged_last_line(tmp_path: Path) -> None:
    """Output without a summary (the runner died) has none; a job printing something like
    one in the middle of its output does not pass for it."""
    output = tmp_path / "r1.log"
    output.write_bytes(b"[jobrunner] {not json}\n")
    assert read_run_summary(output) is None
    assert read_run_output(output) == b"[jobrunner] {not json}\n"
    output.write_bytes(b'[jobrunner] {"result": "success"}\nmore output\n')
    assert read_run_summary(output) is None


def test_summaries_of_older_versions_are_still_read(tmp_path: Path) -> None:
    """Runs recorded before the summary moved into the output keep their `.json` summary."""
    output = tmp_path / "r1.log"
    output.write_bytes(b"old output\n")
    (tmp_path / "r1.json").write_text(json.dumps(SUMMARY))
    assert read_run_summary(output) == SUMMARY
    assert read_run_output(output) == b"old output\n"


def test_clamp_future_takes_attempts_after_now_as_now(tmp_path: Path) -> None:
    """After the clock was stepped back, last attempts and first sightings that lie in the
    future become now (durably, through the journal); the others stay as they were."""
    t0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    clock = FakeClock(t0)
    path = tmp_path / "state.json"
    with StateStore.open(path, clock=clock) as store:
        store.see_jobs(["ahead"], t0)
        store.see_jobs(["behind"], t0 - timedelta(hours=3))
        store.begin("ahead", run_id="r1", started=t0)
        store.begin("behind", run_id="r2", started=t0 - timedelta(hours=2))
        store.sync()
        earlier = t0 - timedelta(hours=1)
        assert store.clamp_future(earlier) == ["ahead"]
        store.sync()
        data, _warnings = load_state(path)  # a reader sees it before the snapshot is written
    assert data.jobs["ahead"]["last_attempt"] == format_instant(earlier)
    assert data.jobs["ahead"]["first_seen"] == format_instant(earlier)
    assert data.jobs["behind"]["last_attempt"] == format_instant(t0 - timedelta(hours=2))


def test_make_job_dirs_creates_missing_ones_with_the_state_mode_and_stops_when_asked(
    tmp_path: Path,
) -> None:
    """`make_job_dirs` creates runs/<job>/ and work/<job>/ (0750), leaves existing ones alone,
    creates missing parents, and stops before the next job once `stop()` is true."""
    from runner.state import StatePaths
    from runner.state.runs import make_job_dirs

    paths = StatePaths(tmp_path / "state" / "state.json")
    (paths.runs / "b").mkdir(parents=True)
    assert make_job_dirs(paths, ["a", "b"], lambda: False) == 3
    for base in (paths.runs, paths.work):
        for job in ("a", "b"):
            assert (base / job).is_dir()
    assert (paths.work / "a").stat().st_mode & 0o777 == 0o750
    asked: list[str] = []

    def stop_after_one() -> bool:
        asked.append("?")
        return len(asked) > 1

    assert make_job_dirs(paths, ["c", "d"], stop_after_one) == 2
    assert (paths.work / "c").is_dir()
    assert not (paths.runs / "d").exists()
