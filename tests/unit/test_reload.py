"""Tests for runner.reload and the loader's ParseCache: stable scans, re-parsing only changed
files, and describing what a reload changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from runner.definitions import ParseCache, load_definitions
from runner.jobtypes import default_registry
from runner.reload import Scanner, describe_changes

JOB = """kind: Job
name: {name}
type: command
interval: {interval}
timeout: 5m
settings:
  argv: ["/bin/true"]
"""


def _tree(root: Path, count: int = 5) -> None:
    root.mkdir(exist_ok=True)
    for index in range(count):
        (root / f"job{index}.yaml").write_text(JOB.format(name=f"job{index}", interval="15m"))


def test_cache_reparses_only_changed_files(tmp_path: Path) -> None:
    """A second load through the cache parses only the file whose content changed."""
    _tree(tmp_path, 5)
    cache, registry = ParseCache(), default_registry()
    first = load_definitions(tmp_path, timezone="UTC", registry=registry, cache=cache)
    assert cache.parsed == 5
    (tmp_path / "job2.yaml").write_text(JOB.format(name="job2", interval="5m"))
    second = load_definitions(tmp_path, timezone="UTC", registry=registry, cache=cache)
    assert cache.parsed == 1
    assert first.ok
    assert second.ok
    assert second.definitions.jobs["job2"].interval.total_seconds() == 300


def test_cached_load_equals_uncached_load(tmp_path: Path) -> None:
    """The cache changes nothing in the result: jobs and diagnostics equal a fresh load."""
    shutil.copytree(Path(__file__).parents[2] / "examples" / "jobs.d", tmp_path / "d")
    cache, registry = ParseCache(), default_registry()
    load_definitions(tmp_path / "d", timezone="UTC", registry=registry, cache=cache)
    cached = load_definitions(tmp_path / "d", timezone="UTC", registry=registry, cache=cache)
    fresh = load_definitions(tmp_path / "d", timezone="UTC", registry=registry)
    assert cache.parsed == 0
    assert cached.definitions.jobs == fresh.definitions.jobs
    assert cached.diagnostics == fresh.diagnostics


def test_removed_file_leaves_the_cache(tmp_path: Path) -> None:
    """A deleted file's job disappears from the next cached load."""
    _tree(tmp_path, 3)
    cache = ParseCache()
    load_definitions(tmp_path, timezone="UTC", cache=cache)
    (tmp_path / "job1.yaml").unlink()
    result = load_definitions(tmp_path, timezone="UTC", cache=cache)
    assert sorted(result.definitions.jobs) == ["job0", "job2"]


def test_scanner_stable_scan_and_changes(tmp_path: Path) -> None:
    """A scan of a quiet tree is accepted; the next one reports added, removed and changed."""
    _tree(tmp_path, 3)
    scanner = Scanner(tmp_path, timezone="UTC", registry=default_registry())
    first = scanner.scan()
    assert first.unstable is None
    assert first.result is not None
    assert first.result.ok
    (tmp_path / "job0.yaml").unlink()
    (tmp_path / "job1.yaml").write_text(JOB.format(name="job1", interval="1h"))
    (tmp_path / "new.yaml").write_text(JOB.format(name="new", interval="1h"))
    second = scanner.scan()
    assert second.result is not None
    assert second.parsed == 2
    changes = describe_changes(first.result.definitions, second.result.definitions)
    assert (changes.added, changes.removed, changes.changed) == (["new"], ["job0"], ["job1"])
    assert changes.as_log() == {"added": ["new"], "removed": ["job0"], "changed": ["job1"]}


def test_moving_a_job_within_its_file_is_no_change(tmp_path: Path) -> None:
    """Only positions changed (a comment added above): the reload changes nothing."""
    _tree(tmp_path, 1)
    scanner = Scanner(tmp_path, timezone="UTC", registry=default_registry())
    before = scanner.scan().result
    text = (tmp_path / "job0.yaml").read_text()
    (tmp_path / "job0.yaml").write_text("# a comment\n" + text)
    after = scanner.scan().result
    assert before is not None
    assert after is not None
    assert describe_changes(before.definitions, after.definitions).is_empty


def test_scan_waits_while_git_writes_the_index(tmp_path: Path) -> None:
    """With .git/index.lock present the scan is deferred, never half-read."""
    _tree(tmp_path, 1)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "index.lock").write_text("")
    scan = Scanner(tmp_path, timezone="UTC", registry=default_registry()).scan()
    assert scan.result is None
    assert scan.unstable is not None
    assert "git" in scan.unstable
