"""A cheap fingerprint of the definitions tree: accept a scan only if it did not move under us.

The daemon takes `fingerprint(root)` before and after reading the definitions; when the two
differ (a `git checkout` was half done, an editor was saving), the scan is thrown away and
retried on the next reload request. The fingerprint covers the root's identity, every
definition file's (path, mtime_ns, size, inode) and git HEAD, read straight from the files in
the git directory (no subprocess): about 4 ms for 1,000 files.

Hidden names (`.git`, `..data`, `.#a.yaml`) are skipped, as when choosing which files to read;
symlinks are followed, so a ConfigMap's `a.yaml -> ..data/a.yaml` counts with its target.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from runner.gitdir import read_head

DEFINITION_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class FileStat:
    """What changes when a file is rewritten, replaced or renamed over."""

    mtime_ns: int
    size: int
    inode: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The state of a definitions tree; equal fingerprints mean nothing moved in between."""

    root: tuple[str, int, int] | None
    """(realpath, st_dev, st_ino) of the root, None when it is missing."""
    head: str | None
    """The commit HEAD points at (or `ref: NAME` for an unborn branch), None without git."""
    files: frozenset[tuple[str, FileStat]]


def root_identity(root: Path) -> tuple[str, int, int] | None:
    """(realpath, st_dev, st_ino) of `root`, or None when it does not exist."""
    real = os.path.realpath(root)
    try:
        st = Path(real).stat()
    except OSError:
        return None
    return real, st.st_dev, st.st_ino


def file_stats(root: Path, suffixes: tuple[str, ...] = DEFINITION_SUFFIXES) -> dict[str, FileStat]:
    """Every non-hidden file under `root` ending in `suffixes`, by path relative to `root`.

    Directories are followed through symlinks, each real directory once. Files that vanish
    during the walk are left out (the next fingerprint differs anyway).
    """
    found: dict[str, FileStat] = {}
    seen: set[tuple[int, int]] = set()
    _walk(root, "", suffixes, found, seen)
    return found


def _walk(
    directory: Path,
    prefix: str,
    suffixes: tuple[str, ...],
    found: dict[str, FileStat],
    seen: set[tuple[int, int]],
) -> None:
    try:
        st = directory.stat()
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                _walk(Path(entry.path), prefix + entry.name + "/", suffixes, found, seen)
            elif entry.name.endswith(suffixes):
                est = entry.stat()
                found[prefix + entry.name] = FileStat(est.st_mtime_ns, est.st_size, est.st_ino)
        except OSError:
            continue


def fingerprint(root: Path, suffixes: tuple[str, ...] = DEFINITION_SUFFIXES) -> Fingerprint:
    """The fingerprint of the tree at `root` (see the module docstring)."""
    root = Path(root)
    return Fingerprint(
        root=root_identity(root),
        head=read_head(root),
        files=frozenset(file_stats(root, suffixes).items()),
    )
