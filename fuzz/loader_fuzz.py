"""atheris target: the definitions loader turns any bytes into diagnostics, never an exception.

    python -m pip install atheris     # or: pip install 'jobrunner[fuzz]'
    python fuzz/loader_fuzz.py -max_total_time=60 [CORPUS_DIR]

Each input must finish within a second (`-timeout=1` is the default here); a checker bug
reported as an `internal` diagnostic counts as a crash. See docs/testing.md "Fuzzing and fault
injection".
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from runner.definitions import load_from_files


def test_one_input(data: bytes) -> None:
    """Load a tree holding one file with `data`; only diagnostics may come back."""
    result = load_from_files({"fuzz.yaml": data}, root=Path("/defs"), timezone="UTC")
    for diagnostic in result.diagnostics:
        if diagnostic.code == "internal":
            raise AssertionError(diagnostic)


def main() -> None:
    """Run libFuzzer with a one-second limit per input unless the command line says otherwise."""
    atheris.Setup([sys.argv[0], "-timeout=1", *sys.argv[1:]], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
