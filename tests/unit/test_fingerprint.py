"""Tests for runner.fingerprint and runner.gitdir: what makes a scan's fingerprint change."""

from __future__ import annotations

from pathlib import Path

from runner.fingerprint import fingerprint
from runner.gitdir import find_git_dirs, index_lock_path, read_head
from tests.gitrepo import GitRepo


def test_unchanged_tree_has_equal_fingerprints(tmp_path: Path) -> None:
    """Two fingerprints of an untouched tree are equal."""
    (tmp_path / "a.yaml").write_text("a: 1\n")
    assert fingerprint(tmp_path) == fingerprint(tmp_path)


def test_rewrite_rename_and_new_file_change_it(tmp_path: Path) -> None:
    """A rewrite (new inode), a rename and a new file each change the fingerprint."""
    target = tmp_path / "sub" / "a.yaml"
    target.parent.mkdir()
    target.write_text("a: 1\n")
    before = fingerprint(tmp_path)
    (tmp_path / "tmp").write_text("a: 2\n")
    (tmp_path / "tmp").replace(target)
    after_rewrite = fingerprint(tmp_path)
    target.rename(tmp_path / "sub" / "b.yaml")
    after_rename = fingerprint(tmp_path)
    (tmp_path / "c.yml").write_text("c: 1\n")
    assert len({before, after_rewrite, after_rename, fingerprint(tmp_path)}) == 4


def test_hidden_and_other_files_do_not_count(tmp_path: Path) -> None:
    """Editor swap files, hidden directories and non-YAML files leave the fingerprint alone."""
    (tmp_path / "a.yaml").write_text("a: 1\n")
    before = fingerprint(tmp_path)
    (tmp_path / ".a.yaml.swp").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.yaml").write_text("b: 1\n")
    (tmp_path / "notes.txt").write_text("x")
    assert fingerprint(tmp_path) == before


def test_configmap_swap_changes_it(tmp_path: Path) -> None:
    """Swapping `..data` changes the fingerprint of the files that point through it."""
    for version in ("..v1", "..v2"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "a.yaml").write_text(f"a: {version}\n")
    (tmp_path / "..data").symlink_to("..v1")
    (tmp_path / "a.yaml").symlink_to("..data/a.yaml")
    before = fingerprint(tmp_path)
    (tmp_path / "..tmp").symlink_to("..v2")
    (tmp_path / "..tmp").replace(tmp_path / "..data")
    assert fingerprint(tmp_path) != before
    assert [name for name, _ in fingerprint(tmp_path).files] == ["a.yaml"]


def test_missing_root_has_no_identity(tmp_path: Path) -> None:
    """A missing root gives a fingerprint without identity and without files."""
    value = fingerprint(tmp_path / "absent")
    assert value.root is None
    assert value.files == frozenset()


def test_head_follows_commits_and_packed_refs(tmp_path: Path) -> None:
    """HEAD is read from the loose ref, and from packed-refs after `git pack-refs`."""
    repo = GitRepo(tmp_path / "repo")
    (repo.path / "jobs").mkdir()
    assert read_head(repo.path / "jobs") == "ref: refs/heads/main"
    first = repo.commit("one")
    assert read_head(repo.path / "jobs") == first
    before = fingerprint(repo.path / "jobs")
    repo.git("pack-refs", "--all")
    assert read_head(repo.path) == first
    second = repo.commit("two")
    assert read_head(repo.path) == second
    assert fingerprint(repo.path / "jobs") != before


def test_detached_head_and_worktree(tmp_path: Path) -> None:
    """A detached HEAD and a linked worktree (a `.git` file) are both read."""
    repo = GitRepo(tmp_path / "repo")
    first = repo.commit("one")
    second = repo.commit("two")
    repo.git("worktree", "add", "-q", "--detach", str(tmp_path / "wt"), first)
    assert read_head(tmp_path / "wt") == first
    dirs = find_git_dirs(tmp_path / "wt")
    assert dirs is not None
    assert dirs.common_dir == (repo.path / ".git").resolve()
    assert index_lock_path(tmp_path / "wt") == dirs.git_dir / "index.lock"
    repo.git("worktree", "add", "-q", "-b", "feature", str(tmp_path / "wt2"))
    assert read_head(tmp_path / "wt2") == second


def test_outside_git_there_is_no_head(tmp_path: Path) -> None:
    """Without a git directory above, HEAD and index.lock are None."""
    assert find_git_dirs(tmp_path) is None
    assert read_head(tmp_path) is None
    assert index_lock_path(tmp_path) is None
