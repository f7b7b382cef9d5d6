"""Walking a definitions directory: what is read, what is skipped, and the limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner.definitions.walker import MAX_FILE_BYTES, walk


def write(root: Path, rel: str, text: str = "kind: Defaults\n") -> Path:
    """Create `root/rel` with `text`."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_reads_yaml_and_skips_hidden_leftovers_and_other_files(tmp_path: Path) -> None:
    """Only *.yaml/*.yml outside hidden paths and editor leftovers are read."""
    for rel in [
        "a.yaml",
        "sub/b.yml",
        ".hidden.yaml",
        ".git/c.yaml",
        "d.yaml~",
        "e.yaml.swp",
        "#f.yaml#",
        "notes.txt",
        "sub/.g.yaml",
    ]:
        write(tmp_path, rel)
    assert sorted(walk(tmp_path).files) == ["a.yaml", "sub/b.yml"]


def test_jobrunnerignore_is_applied(tmp_path: Path) -> None:
    """Paths matched by the root's .jobrunnerignore are not read."""
    write(tmp_path, ".jobrunnerignore", "drafts/\n*.off.yaml\n")
    for rel in ["a.yaml", "drafts/x.yaml", "b.off.yaml"]:
        write(tmp_path, rel)
    assert sorted(walk(tmp_path).files) == [".jobrunnerignore", "a.yaml"]


def test_symlink_inside_is_read_outside_is_an_error(tmp_path: Path) -> None:
    """A link to a file inside the root is read; a link leaving the root is reported."""
    root = tmp_path / "root"
    target = write(root, "real.yaml")
    outside = write(tmp_path, "outside.yaml")
    (root / "inside-link.yaml").symlink_to(target)
    (root / "outside-link.yaml").symlink_to(outside)
    (root / "dir-link").symlink_to(tmp_path)
    result = walk(root)
    assert sorted(result.files) == ["inside-link.yaml", "real.yaml"]
    found = sorted((d.file, d.code) for d in result.diagnostics)
    assert found == [("dir-link", "symlink-outside"), ("outside-link.yaml", "symlink-outside")]


def test_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    """A 50 MB (sparse) file is an error without being read."""
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = walk(tmp_path)
    assert result.files == {}
    [diagnostic] = result.diagnostics
    assert (diagnostic.file, diagnostic.code) == ("big.yaml", "file-too-large")
    assert f"{MAX_FILE_BYTES:,}" in diagnostic.message


def test_unreadable_file_is_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be opened (EACCES; simulated, as root may read anything) is reported."""
    write(tmp_path, "secret.yaml")
    write(tmp_path, "fine.yaml")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "secret.yaml":
            raise PermissionError(13, os.strerror(13), str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    result = walk(tmp_path)
    assert list(result.files) == ["fine.yaml"]
    [diagnostic] = result.diagnostics
    assert (diagnostic.file, diagnostic.code) == ("secret.yaml", "unreadable")
    assert "Permission denied" in diagnostic.message
