"""The fast C safe loader builds the same data as the pure-Python one (YAML 1.2 rules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml.error import YAMLError

from runner.definitions.yamlsource import fast_yaml, load_fast

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(p for base in ("examples", "tests/examples") for p in (REPO / base).rglob("*.y*ml"))


def test_the_fast_loader_is_the_c_one() -> None:
    """ruamel.yaml.clib is installed and used for the fast path."""
    assert "CParser" in fast_yaml().Parser.__name__


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO)) for p in FILES])
def test_c_and_pure_loaders_agree(path: Path) -> None:
    """Every example and test file loads to the same data both ways (or fails both ways)."""
    text = path.read_text(encoding="utf-8")
    try:
        fast = list(fast_yaml().load_all(text))  # without the JSON checks: raw data
    except YAMLError:
        with pytest.raises(YAMLError):
            list(fast_yaml(pure=True).load_all(text))
        return
    pure = list(fast_yaml(pure=True).load_all(text))
    assert pure == fast
    assert [type(d) for d in pure] == [type(d) for d in fast]


def test_there_are_enough_files_to_compare() -> None:
    """The comparison above covers the examples and the test cases."""
    assert len(FILES) >= 20


SCALARS = """\
a: yes
b: no
c: on
d: 2026-12-24
e: 2026-12-24T10:00:00Z
f: 012
g: 0o17
h: 1_000
i: ~
j: 1.5
k: true
l: "09:00"
m: 09:00
"""


def test_yaml_1_2_scalars_and_dates_as_strings() -> None:
    """yes/no/on stay strings, dates stay text, and the C and pure loaders agree on every scalar."""
    fast = load_fast(SCALARS)[0]
    assert fast["a"] == "yes"
    assert fast["b"] == "no"
    assert fast["c"] == "on"
    assert fast["d"] == "2026-12-24"
    assert fast["e"] == "2026-12-24T10:00:00Z"
    assert fast["k"] is True
    assert fast["i"] is None
    assert fast["j"] == 1.5
    assert fast["m"] == "09:00"
    pure = next(iter(fast_yaml(pure=True).load_all(SCALARS)))
    assert pure == fast
    for key in fast:
        assert type(pure[key]) is type(fast[key]), key


def test_a_yaml_1_1_directive_does_not_bring_back_boolean_yes() -> None:
    """`%YAML 1.1` is read by YAML 1.2 rules in both loaders."""
    text = "%YAML 1.1\n---\na: yes\n"
    assert load_fast(text) == list(fast_yaml(pure=True).load_all(text)) == [{"a": "yes"}]
