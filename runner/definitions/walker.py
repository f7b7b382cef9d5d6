"""Finding and reading definition files (SPEC §2), with the limits checked before reading.

Every `*.yaml` / `*.yml` below the root is a definition file, except hidden files and
directories, editor leftovers (`*~`, `*.swp`, `#*#`) and what the root's `.jobrunnerignore`
matches. Symlinks are followed only while they stay inside the root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runner.definitions.ignore import IgnoreRules
from runner.diagnostics import Diagnostic

IGNORE_FILE = ".jobrunnerignore"
MAX_FILE_BYTES = 1 << 20
"""Files larger than 1 MiB are refused before they are read."""
_SUFFIXES = (".yaml", ".yml")


def is_definition_path(path: str, rules: IgnoreRules) -> bool:
    """True when the root-relative `/`-separated `path` names a definition file."""
    parts = path.split("/")
    name = parts[-1]
    if any(part.startswith(".") for part in parts) or not name.endswith(_SUFFIXES):
        return False
    if name.endswith(("~", ".swp")) or (name.startswith("#") and name.endswith("#")):
        return False
    return not rules.is_ignored(path)


def too_large(path: str, size: int) -> Diagnostic:
    """The diagnostic for a file over the size limit."""
    return Diagnostic(
        path,
        None,
        None,
        "file-too-large",
        f"file is {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,} (1 MiB)",
        "split the definitions into several files",
    )


@dataclass
class WalkResult:
    """What a walk found: file contents by root-relative path, and problems."""

    files: dict[str, bytes] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _is_inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


class _Walker:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.result = WalkResult()
        self.rules = IgnoreRules()

    def run(self) -> WalkResult:
        ignore = self.root / IGNORE_FILE
        if ignore.is_file():
            self._read(IGNORE_FILE, ignore)
            text = self.result.files.get(IGNORE_FILE, b"").decode("utf-8", "replace")
            self.rules = IgnoreRules(text)
        self._walk(self.root, "")
        return self.result

    def _walk(self, directory: Path, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self._unreadable(prefix.rstrip("/") or ".", exc)
            return
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith(".") or self.rules.is_ignored(rel, is_dir=entry.is_dir()):
                continue
            if entry.is_symlink() and not self._symlink_ok(rel, Path(entry.path)):
                continue
            if entry.is_dir(follow_symlinks=False):
                self._walk(Path(entry.path), rel + "/")
            elif is_definition_path(rel, self.rules) and entry.is_file():
                self._read(rel, Path(entry.path))

    def _symlink_ok(self, rel: str, path: Path) -> bool:
        """Links inside the root: files are read, directories skipped (read via their target)."""
        target = path.resolve()
        if not _is_inside(target, self.root):
            if is_definition_path(rel, self.rules) or target.is_dir():
                self.result.diagnostics.append(
                    Diagnostic(
                        rel,
                        None,
                        None,
                        "symlink-outside",
                        f"symbolic link points outside the definitions directory ({target})",
                        "copy the file into the definitions directory or remove the link",
                    )
                )
            return False
        return not target.is_dir()

    def _read(self, rel: str, path: Path) -> None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.result.diagnostics.append(too_large(rel, size))
                return
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self._unreadable(rel, exc)
            return
        if len(data) > MAX_FILE_BYTES:
            self.result.diagnostics.append(too_large(rel, len(data)))
            return
        self.result.files[rel] = data

    def _unreadable(self, rel: str, exc: OSError) -> None:
        reason = exc.strerror or type(exc).__name__
        self.result.diagnostics.append(
            Diagnostic(
                rel,
                None,
                None,
                "unreadable",
                f"cannot read: {reason}",
                "make it readable by the user running jobrunner, or list it in .jobrunnerignore",
            )
        )


def walk(root: Path) -> WalkResult:
    """Read every definition file below `root` (and its `.jobrunnerignore`)."""
    return _Walker(root).run()
