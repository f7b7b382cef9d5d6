"""Fuzzing the definitions loader: any bytes give a `LoadResult` of diagnostics, within a second.

The default run is small and derandomized (CI); `JOBRUNNER_FUZZ_EXAMPLES=5000 pytest
tests/property/test_fuzz_*.py` runs a long random campaign (README "Fuzzing and soak testing").
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.definitions import LoadResult, load_from_files
from runner.diagnostics import Diagnostic

LONG_RUN = int(os.environ.get("JOBRUNNER_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 40,
    deadline=timedelta(seconds=1),
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VALID_DIR = Path(__file__).resolve().parents[1] / "examples" / "valid"
VALID = [path.read_bytes() for path in sorted(VALID_DIR.glob("*.yaml"))]
YAML_TOKENS = (
    "kind: ", "Job", "TimePeriod", "Defaults", "name: ", "interval: ", "settings:", "argv:",
    "ranges:", "monday", "day 1 - 31 / 1", '"09:00-17:00"', "\n", "  ", "- ", ": ", "---\n",
    "...\n", "&a ", "*a", "<<: ", "!!str ", "!tag ", "? ", "[", "]", "{", "}", ",", "'", '"',
    "#", "|\n", ">-\n", "\t", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "9" * 30, "1e400", ".nan",
    "~", "null", "true", "yes", "2026-12-24", "0x1F", "0o17", "\\u0000", "\ufeff", "\x85",
    "\u2028", "é",
)  # fmt: skip


def assert_only_diagnostics(result: LoadResult) -> None:
    """The loader's answer holds diagnostics with sane positions, and no checker bug."""
    assert isinstance(result, LoadResult)
    for diagnostic in result.diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.code != "internal", diagnostic
        assert diagnostic.file in {None, "fuzz.yaml"}, diagnostic
        assert diagnostic.line is None or diagnostic.line >= 1, diagnostic
        assert diagnostic.column is None or diagnostic.column >= 1, diagnostic
        assert diagnostic.message


def load(data: bytes) -> LoadResult:
    """Load a tree holding one file with `data`."""
    return load_from_files({"fuzz.yaml": data}, root=Path("/defs"), timezone="UTC")


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_give_only_diagnostics(data: bytes) -> None:
    """Random bytes never raise out of the loader."""
    assert_only_diagnostics(load(data))


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text_gives_only_diagnostics(text: str) -> None:
    """Random Unicode text (valid UTF-8) never raises out of the loader."""
    assert_only_diagnostics(load(text.encode("utf-8", "surrogatepass")))


yaml_shaped = st.lists(
    st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=4)), max_size=120
).map("".join)


@FUZZ
@given(yaml_shaped)
def test_yaml_shaped_text_gives_only_diagnostics(text: str) -> None:
    """Text built from YAML's punctuation, anchors, tags and our keys never raises."""
    assert_only_diagnostics(load(text.encode("utf-8", "surrogatepass")))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid example file with a few byte-level edits: deletions, insertions, swaps."""
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "token", "duplicate", "flip"]))
        if action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "token":
            data[at:at] = draw(st.sampled_from(YAML_TOKENS)).encode()
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
        elif data:
            index = min(at, len(data) - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_valid_files_give_only_diagnostics(data: bytes) -> None:
    """Small edits of valid files (the usual typo) never raise out of the loader."""
    assert_only_diagnostics(load(data))


def _nested_flow(depth: int) -> bytes:
    return b"kind: Defaults\nx: " + b"[{a: " * depth + b"1" + b"}]" * depth + b"\n"


MERGE_BOMB = b"a: &a {k0: 1, k1: 1, k2: 1, k3: 1}\n" + b"".join(
    b"%s: &%s {<<: [*%s], x%d: [*%s, *%s, *%s, *%s]}\n"
    % (n.encode(), n.encode(), p.encode(), i, p.encode(), p.encode(), p.encode(), p.encode())
    for i, (p, n) in enumerate(zip("abcdefghij", "bcdefghijk", strict=True))
)
ADVERSARIAL = {
    "huge int value": b"kind: Defaults\nhistory: " + b"9" * 5000 + b"\n",
    "huge int in a list": b"kind: Defaults\nx: [1, " + b"1" * 100_000 + b"]\n",
    "huge interval": b"kind: Job\nname: a\ntype: command\ninterval: 999999999999999999999999\n"
    b"settings: {argv: [x]}\n",
    "huge unit interval": b"kind: Job\nname: a\ntype: command\ninterval: 99999999999999999999w\n"
    b"settings: {argv: [x]}\n",
    "huge default timeout": b"kind: Defaults\ntimeout: 9999999999999d\n",
    "huge float": b"kind: Defaults\nhistory: 1e999999\n",
    "recursive alias": b"kind: Defaults\nx: &a [*a, *a]\n",
    "recursive mapping alias": b"kind: Defaults\nx: &a {b: *a}\n",
    "merge-key bomb": MERGE_BOMB,
    "deep mixed flow": _nested_flow(150),
    "deep flow just over the limit": _nested_flow(26),
    "deep block mapping": b"kind: Defaults\nx:\n"
    + b"".join(b" " * i + b"a:\n" for i in range(199)),
    "very long line": b"kind: Defaults\nx: " + b"a" * 900_000 + b"\n",
    "very long key": b"kind: Defaults\n" + b"k" * 500_000 + b": 1\n",
    "long quoted key": b'kind: Defaults\n"' + b"k" * 5000 + b'": 1\n',
    "just over 1 MiB": b"kind: Defaults\n#" + b"x" * (1 << 20) + b"\n",
    "many empty documents": b"---\n" * 999,
    "many small documents": b"kind: Defaults\n---\n" * 500,
    "many unknown keys": b"kind: Defaults\n" + b"".join(b"k%d: 1\n" % i for i in range(1000)),
    "period with many range parts": b"kind: TimePeriod\nname: p\ntimezone: UTC\nranges:\n"
    b'  "day 1 - 31 / 1": "' + b",".join([b"00:00-00:01"] * 5000) + b'"\n',
    "period with a huge day number": b"kind: TimePeriod\nname: p\ntimezone: UTC\nranges:\n"
    b'  "day ' + b"9" * 5000 + b'": "00:00-01:00"\n',
    "YAML 1.1 directive and odd tags": b"%YAML 1.1\n---\nkind: !!str Defaults\nx: !!set {a}\n"
    b"y: !!binary aGVsbG8=\nz: !!omap [a: 1]\n",
    "NUL and control characters": b"kind: Defaults\x00\n\x1b[31m: 1\n",
    "lone surrogate escape": b'kind: Defaults\nx: "\\ud800"\n',
    "duplicate key before a syntax error": (
        b"kind: Defaults\nkind: Job\n---\nkind: x\nfile.\nk: 1\n"
    ),
}


@pytest.mark.parametrize("content", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_adversarial_file_gives_diagnostics_within_a_second(content: bytes) -> None:
    """Each known-nasty shape (bombs, depth, huge numbers, long lines) is refused within a
    second of CPU time (CPU, not wall-clock: a loaded machine must not fail it, a blow-up
    still does)."""
    start = time.process_time()
    result = load(content)
    seconds = time.process_time() - start
    assert_only_diagnostics(result)
    assert seconds < 1.0, f"{seconds:.2f}s"


def test_huge_number_is_reported_at_its_line() -> None:
    """A number too long for int() is a `yaml` error at its line and column, not a crash."""
    (diagnostic,) = load(b"kind: Defaults\nhistory: " + b"9" * 5000 + b"\n").diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("yaml", 2, 10)
    assert "5,000 digits" in diagnostic.message


def test_duration_over_a_century_is_an_error_at_the_value() -> None:
    """`interval` beyond 36525d is refused with a `duration` error (it overflowed before)."""
    job = b"kind: Job\nname: a\ntype: command\ninterval: 36526d\nsettings: {argv: [x]}\n"
    (diagnostic,) = load(job).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("duration", 4, 11)
    ok = load(job.replace(b"36526d", b"36525d"))
    assert ok.ok, ok.diagnostics
