"""Bad input ends as a diagnostic with file and line, never a traceback, and fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from runner.definitions import LoadResult, load_definitions, load_from_files
from runner.diagnostics import Diagnostic
from runner.jobtypes import default_registry

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def load_one(content: bytes, name: str = "bad.yaml") -> tuple[LoadResult, float]:
    """Load a one-file tree; also return the CPU seconds it took (CPU, not wall-clock: a loaded
    machine must not fail a "quickly" check, a blow-up still does)."""
    start = time.process_time()
    result = load_from_files({name: content}, root=Path("/defs"), timezone="UTC")
    return result, time.process_time() - start


def only(result: LoadResult) -> Diagnostic:
    """The single diagnostic of a result."""
    assert len(result.diagnostics) == 1, result.diagnostics
    return result.diagnostics[0]


CASES = [
    ("invalid YAML", b"kind: Job\nname: [unclosed\ninterval: 1h\n", "yaml", 2),
    ("not a mapping", b"- a\n- b\n", "not-mapping", 1),
    ("missing kind", b"name: x\n", "missing-kind", 1),
    ("unknown kind", b"kind: Jobs\n", "unknown-kind", 1),
    ("duplicate keys", b"kind: Defaults\nhistory: 1\nhistory: 2\n", "duplicate-key", 3),
    ("tabs", b"kind: Defaults\n\thistory: 1\n", "yaml", 2),
    ("non-UTF-8", b"kind: Defaults\n# caf\xe9\n", "encoding", 2),
    ("alias bomb", BOMB.encode(), "too-many-nodes", 1),
    ("explicit tag", b"kind: !!python/object:os.system Defaults\n", "yaml", 1),
    ("non-string key", b"kind: Defaults\n1: x\n", "not-json", 2),
    ("too deep", b"kind: Defaults\nx: " + b"[" * 60 + b"]" * 60 + b"\n", "too-deep", 2),
    ("far too deep", b"kind: Defaults\nx: " + b"[" * 100_000 + b"]" * 100_000, "too-deep", 2),
    (
        "deep block",
        b"kind: Defaults\nx:\n" + b"".join(b" " * i + b"- a:\n" for i in range(300)),
        "too-deep",
        302,
    ),
]


@pytest.mark.parametrize(("what", "content", "code", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_diagnostic_at_its_line(
    what: str, content: bytes, code: str, line: int
) -> None:
    """Each kind of bad input gives one error with its code and line, within a second."""
    result, seconds = load_one(content)
    diagnostic = only(result)
    assert (diagnostic.file, diagnostic.code, diagnostic.line) == ("bad.yaml", code, line), what
    assert diagnostic.is_error
    assert not result.ok
    assert seconds < 1.0


def test_duplicate_keys_name_both_lines() -> None:
    """The duplicate-key message names where the key was first written."""
    diagnostic = only(load_one(b"kind: Defaults\nhistory: 1\nhistory: 2\n")[0])
    assert "first at line 2" in diagnostic.message


def test_empty_file_is_a_warning() -> None:
    """An empty (or comment-only) file is a warning, not an error."""
    result, _ = load_one(b"# nothing yet\n")
    diagnostic = only(result)
    assert (diagnostic.code, diagnostic.is_error) == ("empty-file", False)
    assert result.ok


def test_ten_thousand_documents_are_refused_quickly() -> None:
    """More than 1,000 documents in a file is an error found without parsing them all."""
    result, seconds = load_one(b"kind: Defaults\n---\n" * 10_000)
    assert only(result).code == "too-many-documents"
    # At the `---` that starts document 1,001 (line 2,000), not without a line.
    assert (only(result).line, only(result).column) == (2_000, 1)
    assert seconds < 1.0


def test_fifty_megabytes_from_git_are_refused() -> None:
    """Content over 1 MiB (e.g. from git objects) is refused before parsing."""
    result, seconds = load_one(b"#" * (50 * 1024 * 1024))
    assert only(result).code == "file-too-large"
    assert seconds < 1.0


def test_missing_directory_is_a_diagnostic(tmp_path: Path) -> None:
    """A definitions directory that does not exist gives one clear tree-wide error."""
    result = load_definitions(tmp_path / "nope")
    diagnostic = only(result)
    assert (diagnostic.file, diagnostic.code) == (None, "missing-directory")
    assert "does not exist" in diagnostic.message


def test_file_at_the_size_limit_with_an_error_in_every_document(tmp_path: Path) -> None:
    """A file near the 1 MiB limit with an error in each document gets one diagnostic per
    document at that document's line (positions come from the C parser's node marks; the
    time it takes is a figure of `bench/lint.py --worst`, not a test)."""
    doc = (
        "kind: Job\nname: j{i}\ntype: command\ninterval: soon\nsettings:\n  argv: [x]\n  env:\n"
        + "".join(f'    V{k}: "value {k} of job {{i}}"\n' for k in range(30))
    )
    text = "---\n".join(doc.format(i=i) for i in range(1000))
    (tmp_path / "big.yaml").write_text(text[: text.rindex("---\n", 0, 1 << 20)])
    result = load_definitions(tmp_path, timezone="UTC", registry=default_registry())
    lines = [d.line for d in result.diagnostics if d.code == "duration"]
    documents = text[: text.rindex("---\n", 0, 1 << 20)].count("---\n") + 1
    assert len(lines) == documents
    assert lines[:3] == [4, 42, 80]  # 37 lines a document, then `---`
