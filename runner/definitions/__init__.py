"""The definitions loader shared by `jobrunner lint` and the daemon (SPEC §2).

`load_definitions(root)` walks and reads a directory; `load_from_files(files, root=...)` loads
contents keyed by root-relative path (e.g. from git objects). Both return a `LoadResult`: the
`Definitions` built from everything valid plus every diagnostic, sorted, never only the first.
"""

from __future__ import annotations

from runner.definitions.loader import LoadResult, ParseCache, load_definitions, load_from_files

__all__ = ["LoadResult", "ParseCache", "load_definitions", "load_from_files"]
