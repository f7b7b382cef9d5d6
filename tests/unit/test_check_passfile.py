"""`last_pass.json`: written atomically with mode 0640 and read back as the same record."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner.passfile import FILE_NAME, PassRecord, record_pass, write_pass

STARTED = datetime(2026, 11, 25, 7, 0, 0, 12000, tzinfo=UTC)


def test_written_record_reads_back_with_mode_0640(tmp_path: Path) -> None:
    """The record round-trips through the file, which a group member can read."""
    record = PassRecord(STARTED, STARTED + timedelta(seconds=3.5), "a1b2c3", False, 3, 1, "web1")
    write_pass(tmp_path, record)
    path = tmp_path / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    document = json.loads(path.read_text())
    assert document["version"] == 1
    assert document["started"] == "2026-11-25T07:00:00.012Z"
    assert PassRecord.from_document(document) == record
    assert not list(tmp_path.glob("*.tmp"))


def test_malformed_documents_give_none_or_safe_counts() -> None:
    """Missing timestamps give None; counts that are not integers read as 0."""
    assert PassRecord.from_document({"started": "yesterday"}) is None
    record = PassRecord.from_document(
        {"started": "2026-11-25T07:00:00Z", "finished": "2026-11-25T07:00:01Z", "ran": "3"}
    )
    assert record is not None
    assert (record.ran, record.failed, record.revision) == (0, 0, None)


def test_record_pass_never_raises_on_an_unwritable_directory(tmp_path: Path) -> None:
    """A state directory that is gone is logged by `record_pass`, not raised to `run`."""
    record_pass(tmp_path / "missing", PassRecord(STARTED, STARTED))
    assert not (tmp_path / "missing").exists()
