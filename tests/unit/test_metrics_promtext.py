"""A strict parser for the Prometheus text exposition format (0.0.4), for tests.

Stricter than Prometheus itself where our conventions are stricter: every family has HELP
and TYPE before its first sample, a family's samples are contiguous, no sample has a
timestamp, no series repeats, counters end in `_total`, and the text ends with a newline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pytest

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
_SAMPLE = re.compile(rf"^({NAME})(?:\{{(.*)\}})? (\S+)$")
_LABEL_PAIR = re.compile(rf'({LABEL})="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
_COMMENT = re.compile(rf"^# (HELP|TYPE) ({NAME}) ?(.*)$")
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


class ExpositionError(ValueError):
    """The text breaks the format or our conventions; the message names the line."""


@dataclass
class Family:
    """One metric family: its help, type and samples (labels -> value)."""

    name: str
    help: str = ""
    type: str = ""
    samples: dict[tuple[tuple[str, str], ...], float] = field(default_factory=dict)

    def value(self, **labels: str) -> float:
        """The sample with exactly these labels."""
        return self.samples[tuple(sorted(labels.items()))]


def unescape(text: str) -> str:
    """Undo label-value escaping."""
    return re.sub(r"\\[\\\"n]", lambda m: _ESCAPES[m.group(0)], text)


def parse(text: str) -> dict[str, Family]:
    """Families by name; raises ExpositionError at the first violation."""
    if not text.endswith("\n"):
        raise ExpositionError("the text does not end with a newline")
    families: dict[str, Family] = {}
    current: Family | None = None
    for number, line in enumerate(text[:-1].split("\n"), 1):
        if line.startswith("#"):
            current = _comment(families, current, line, number)
        else:
            _sample(current, line, number)
    return families


def _comment(families: dict[str, Family], current: Family | None, line: str, number: int) -> Family:
    match = _COMMENT.match(line)
    if match is None:
        raise ExpositionError(f"line {number}: not a HELP or TYPE line: {line!r}")
    kind, name, rest = match.groups()
    family = families.get(name)
    if family is None:
        if current is not None and current.name != name and not current.type:
            raise ExpositionError(f"line {number}: {current.name} has no TYPE")
        family = families[name] = Family(name)
    elif family is not current or family.samples:
        raise ExpositionError(f"line {number}: {name} described twice or after its samples")
    if kind == "HELP":
        family.help = unescape(rest)
    else:
        if rest not in TYPES:
            raise ExpositionError(f"line {number}: unknown type {rest!r}")
        if rest == "counter" and not name.endswith("_total"):
            raise ExpositionError(f"line {number}: counter {name} does not end in _total")
        family.type = rest
    return family


def _sample(current: Family | None, line: str, number: int) -> None:
    match = _SAMPLE.match(line)
    if match is None:
        raise ExpositionError(f"line {number}: not a sample (or it has a timestamp): {line!r}")
    name, label_text, value_text = match.groups()
    if current is None or current.name != name or not current.help or not current.type:
        raise ExpositionError(f"line {number}: {name} without HELP and TYPE right before it")
    labels = _labels(label_text or "", number)
    if labels in current.samples:
        raise ExpositionError(f"line {number}: duplicate series {line!r}")
    value = float(value_text)
    if math.isnan(value):
        raise ExpositionError(f"line {number}: NaN")
    current.samples[labels] = value


def _labels(text: str, number: int) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _LABEL_PAIR.match(text, position)
        if match is None:
            raise ExpositionError(f"line {number}: bad labels at {text[position:]!r}")
        pairs.append((match.group(1), unescape(match.group(2))))
        position = match.end()
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ExpositionError(f"line {number}: a label repeats")
    return tuple(sorted(pairs))


# -- the parser's own strictness --------------------------------------------------------

GOOD = '# HELP a_total A.\n# TYPE a_total counter\na_total{job="x\\"y\\\\z\\n"} 3\n'


def test_parser_accepts_good_text_and_unescapes_labels() -> None:
    """A well-formed family parses, with label values unescaped."""
    families = parse(GOOD)
    assert families["a_total"].value(job='x"y\\z\n') == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.rstrip("\n"), "newline"),
        (GOOD.replace(" 3\n", " 3 1700000000000\n"), "timestamp"),
        ("a 1\n", "without HELP"),
        ("# HELP a A.\na 1\n", "without HELP and TYPE"),
        ("# HELP a A.\n# TYPE a counter\na 1\n", "_total"),
        (GOOD + 'a_total{job="x\\"y\\\\z\\n"} 4\n', "duplicate"),
        (GOOD + "# HELP a_total again\n", "twice"),
        ('# HELP b B.\n# TYPE b gauge\nb{job="a\\q"} 1\n', "bad labels"),
        ('# HELP b B.\n# TYPE b gauge\nb{job="a",job="b"} 1\n', "repeats"),
    ],
)
def test_parser_rejects_what_node_exporter_or_our_conventions_reject(
    text: str, problem: str
) -> None:
    """Timestamps, missing HELP/TYPE, bad escapes, duplicates and untidy counters fail."""
    with pytest.raises(ExpositionError, match=problem):
        parse(text)
