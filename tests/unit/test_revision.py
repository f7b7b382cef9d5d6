"""Git revisions of the definitions directory (issue 4, item 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner.revision import (
    RevisionError,
    current_revision,
    read_definition_files,
    safe_directory_environment,
)
from tests.gitrepo import GitRepo


def test_outside_a_work_tree_there_is_no_revision(tmp_path: Path) -> None:
    """A plain directory has no revision, and that is not an error."""
    assert current_revision(tmp_path) is None


def test_head_and_clean_state(git_repo: GitRepo) -> None:
    """A committed tree reports HEAD and is not dirty."""
    git_repo.write("jobs/a.yaml", "kind: Job\n")
    commit = git_repo.commit()
    revision = current_revision(git_repo.path / "jobs")
    assert revision is not None
    assert revision.commit == commit
    assert revision.dirty is False
    assert revision.subdir == "jobs"
    assert revision.describe() == commit[:7]


def test_uncommitted_and_untracked_changes_are_dirty(git_repo: GitRepo) -> None:
    """Modified and untracked files under the definitions directory make it dirty."""
    git_repo.write("jobs/a.yaml", "kind: Job\n")
    git_repo.commit()
    git_repo.write("jobs/b.yaml", "kind: Job\n")
    revision = current_revision(git_repo.path / "jobs")
    assert revision is not None
    assert revision.dirty is True
    assert revision.describe().endswith("(dirty)")


def test_changes_outside_the_definitions_directory_are_not_dirty(git_repo: GitRepo) -> None:
    """Only the definitions directory counts for the dirty flag."""
    git_repo.write("jobs/a.yaml", "kind: Job\n")
    git_repo.commit()
    git_repo.write("README", "notes\n")
    revision = current_revision(git_repo.path / "jobs")
    assert revision is not None
    assert revision.dirty is False


def test_read_files_of_an_older_commit(git_repo: GitRepo) -> None:
    """Definitions of any commit are read from git objects, relative to the directory."""
    git_repo.write("jobs/a.yaml", "one\n")
    git_repo.write("jobs/sub/b.yaml", "two\n")
    first = git_repo.commit()
    git_repo.write("jobs/a.yaml", "changed\n")
    git_repo.commit()
    revision = current_revision(git_repo.path / "jobs")
    assert revision is not None
    files = read_definition_files(revision, first)
    assert files == {"a.yaml": b"one\n", "sub/b.yaml": b"two\n"}


def test_read_files_at_the_top_level(git_repo: GitRepo) -> None:
    """A definitions directory that is the work tree's top level works too."""
    git_repo.write("a.yaml", "one\n")
    git_repo.commit()
    revision = current_revision(git_repo.path)
    assert revision is not None
    assert revision.subdir == "."
    assert read_definition_files(revision) == {"a.yaml": b"one\n"}


def test_unknown_commit_is_an_error_that_says_what_to_do(git_repo: GitRepo) -> None:
    """Reading a commit the clone does not have raises RevisionError with a hint."""
    git_repo.write("jobs/a.yaml", "one\n")
    git_repo.commit()
    revision = current_revision(git_repo.path / "jobs")
    assert revision is not None
    with pytest.raises(RevisionError, match="git fetch"):
        read_definition_files(revision, "0" * 40)


def test_repository_without_commits_is_an_error(git_repo: GitRepo) -> None:
    """A work tree without any commit is reported, not silently ignored."""
    git_repo.write("jobs/a.yaml", "one\n")
    with pytest.raises(RevisionError, match="no commits"):
        current_revision(git_repo.path / "jobs")


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a checkout's owner needs root")
def test_checkout_owned_by_another_user_is_readable(git_repo: GitRepo) -> None:
    """safe.directory is passed through GIT_CONFIG_*, so another user's checkout reads."""
    git_repo.write("jobs/a.yaml", "one\n")
    commit = git_repo.commit()
    for path in [git_repo.path, *git_repo.path.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)
    revision = current_revision(git_repo.path / "jobs")
    assert revision is not None
    assert revision.commit == commit


def test_safe_directory_environment_appends_to_existing_config() -> None:
    """Existing GIT_CONFIG_* entries are kept; ours is appended."""
    env = safe_directory_environment(Path("/srv/jobs"), {"GIT_CONFIG_COUNT": "2"})
    assert env == {
        "GIT_CONFIG_COUNT": "3",
        "GIT_CONFIG_KEY_2": "safe.directory",
        "GIT_CONFIG_VALUE_2": "/srv/jobs",
    }
