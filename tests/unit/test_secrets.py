"""Secret masking where text is cut or spans lines: a job that prints its secret must not get
part of it into `last_error`, the log excerpt or the log, whatever the length or shape."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from runner.clock import SystemClock
from runner.commands.run import describe_failure
from runner.executor import Executor, Outcome, Result, RunRequest
from runner.jobtypes.base import LaunchContext, LaunchError, LaunchSpec
from runner.jobtypes.command import resolve_value
from runner.logconfig import SECRETS, configure_logging, get_logger
from runner.masking import fragments, mask_text

LONG = "eyJ" + "Zk9xQ2mX7LpW4rB8nY1cF6hT" * 14  # a 339-character token
PEM_BODY = [
    f"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{n:02d}Kcw" + "ggSjAgEAAoIBAQC7" * 2 for n in range(12)
]
PEM = "\n".join(["-----BEGIN PRIVATE KEY-----", *PEM_BODY, "-----END PRIVATE KEY-----"])


def _pieces(secret: str, size: int = 12) -> list[str]:
    """Every `size`-character piece of every line of `secret`."""
    return [
        line[at : at + size]
        for line in secret.splitlines()
        for at in range(max(1, len(line) - size + 1))
        if len(line) >= size
    ]


def _leaks(secret: str, text: str) -> list[str]:
    return [piece for piece in _pieces(secret) if piece in text]


def _run(tmp_path: Path, script: str, secret: str, **changes: object) -> Outcome:
    spec = LaunchSpec(argv=("/bin/sh", "-c", script), cwd=tmp_path, secrets=frozenset({secret}))
    values: dict[str, object] = {
        "job": "leaky",
        "run_id": "r1",
        "spec": spec,
        "timeout": timedelta(seconds=30),
        "output_path": tmp_path / "out.log",
    }
    values.update(changes)
    executor = Executor(clock=SystemClock(), grace=timedelta(seconds=0.3))
    return executor.run(RunRequest(**values))  # type: ignore[arg-type]


def test_a_long_secret_on_the_last_line_is_not_cut_into_last_error(tmp_path: Path) -> None:
    """`last_error` keeps 200 characters of the last line: the secret is masked before the cut."""
    (tmp_path / "s").write_text(LONG)
    outcome = _run(tmp_path, 'printf "fatal: bad token %s\\n" "$(cat s)"; exit 2', LONG)
    assert outcome.result is Result.FAILURE
    assert outcome.error is not None
    assert "***" in outcome.error
    assert _leaks(LONG, outcome.error) == []
    assert _leaks(LONG, describe_failure("leaky", outcome)) == []


def test_a_secret_cut_by_the_start_of_the_excerpt_is_masked(tmp_path: Path) -> None:
    """Output longer than the excerpt window whose window starts inside the secret: the
    secret's tail at the window's start is masked too."""
    (tmp_path / "s").write_text(LONG)
    script = 'printf "%s" "$(cat s)"; printf "x%.0s" $(seq 1 1900); echo; exit 1'
    outcome = _run(tmp_path, script, LONG)
    assert _leaks(LONG, outcome.excerpt) == []
    assert _leaks(LONG, outcome.error or "") == []


def test_a_multi_line_secret_is_masked_line_by_line(tmp_path: Path) -> None:
    """A private key read with ${file:...} and printed by the job: none of its lines reaches
    the excerpt or last_error, even when only some of its lines are in them."""
    (tmp_path / "key.pem").write_text(PEM + "\n")
    outcome = _run(tmp_path, "cat key.pem; exit 3", PEM)
    assert outcome.result is Result.FAILURE
    assert _leaks(PEM, outcome.excerpt) == []
    assert _leaks(PEM, outcome.error or "") == []
    assert "***" in outcome.excerpt


def test_the_log_masks_registered_secrets_everywhere(tmp_path: Path) -> None:
    """Once a job ran, the JSON log masks its secret (and each line of a multi-line one) in
    any field, nested lists and mappings included."""
    SECRETS.add(fragments({PEM, "tok-1234567890"}))
    stream = io.StringIO()
    configure_logging(log_format="json", stream=stream)
    get_logger("test").warning(
        "x", error=f"got {PEM_BODY[3]}", nested={"a": ["tok-1234567890"]}, n=1
    )
    configure_logging(log_format="json")
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["error"] == "got ***"
    assert line["nested"] == {"a": ["***"]}


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("before SECRETVALUE after", False, False, "before *** after"),
        ("RETVALUE after", True, False, "*** after"),
        ("before SECRETVA", False, True, "before ***"),
        ("ALUE after", True, False, "*** after"),
        ("LUE after", True, False, "LUE after"),
        ("SECRETVALUE", True, True, "***"),
        ("VALUE after", False, False, "VALUE after"),
    ],
)
def test_mask_text_at_cut_edges(text: str, start: bool, end: bool, expected: str) -> None:
    """At a cut edge a piece of at least 4 characters of the secret is masked; elsewhere only
    the whole secret."""
    assert mask_text(text, frozenset({"SECRETVALUE"}), cut_start=start, cut_end=end) == expected


def test_fragments_add_the_lines_of_multi_line_values() -> None:
    """Lines of 8 or more characters of a multi-line value are masked on their own too."""
    assert fragments({"a\nlong-enough-line\nshort"}) == {
        "a\nlong-enough-line\nshort",
        "long-enough-line",
    }
    assert fragments({"", "x"}) == {"x"}


def test_resolution_errors_name_the_reference_not_the_value(tmp_path: Path) -> None:
    """A file that is not UTF-8 and an unset variable fail with the reference's name; the
    content of the file never appears."""
    (tmp_path / "bin.key").write_bytes(b"\xffSECRETBYTES\xfe")
    context = LaunchContext(root=tmp_path, environ={"SET": "value-123"})
    with pytest.raises(LaunchError) as caught:
        resolve_value("${file:bin.key}", context, tmp_path)
    assert "${file:bin.key} cannot be read" in str(caught.value)
    assert "SECRETBYTES" not in str(caught.value)
    with pytest.raises(LaunchError, match=r"\$\{UNSET\} is not set"):
        resolve_value("${SET}-${UNSET}", context, tmp_path)
