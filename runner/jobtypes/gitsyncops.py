"""What the `git-sync` type does, with GitPython: fetch, check, lint the target, fast-forward.

HEAD moves only when every check passed, in this order: the work tree is clean, the fetched
revision is a fast-forward of HEAD, its signature verifies (when asked), and the definitions
at that revision, read from git objects, load without errors. Any refusal is a `SyncRefused`
whose message says what was found and what to do; HEAD and the work tree are then untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.definitions import load_from_files
from runner.diagnostics import Diagnostic, errors
from runner.jobtypes.registry import default_registry
from runner.revision import Revision, RevisionError, open_repository, read_definition_files

SHOWN_DIAGNOSTICS = 5
DEFAULT_TRUST = "marginal"
"""`gpg.minTrustLevel` for signature checks when the repository configures none (git's own
default accepts a good signature from a key nobody trusts)."""

Log = Callable[[str], None]


class SyncRefused(Exception):  # noqa: N818 - reads as what happened
    """The checkout was not moved; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What to follow: the remote, its branch, and the definitions directory."""

    definitions_dir: Path
    remote: str | None = None
    branch: str | None = None
    verify_signatures: bool = False


def sync(plan: SyncPlan, log: Log) -> str:
    """Fast-forward the checkout of `plan.definitions_dir`; returns what happened."""
    with open_repository(plan.definitions_dir) as repo:
        if repo is None:
            raise SyncRefused(
                f"{plan.definitions_dir} is not in a git work tree; git-sync updates a clone: "
                "clone the definitions' repository there"
            )
        repo.git.update_environment(GIT_TERMINAL_PROMPT="0", **_no_detached_gc(repo))
        try:
            return _sync(repo, plan, log)
        except _git_errors() as exc:
            raise SyncRefused(f"git failed: {_first_lines(exc)}") from None


def _no_detached_gc(repo: Any) -> dict[str, str]:
    """`GIT_CONFIG_*` entries that keep fetch's and merge's automatic gc/maintenance in the
    foreground: a detached one starts its own session, which the runner kills when the job
    ends (`runner.subreaper`)."""
    count = int(repo.git.environment().get("GIT_CONFIG_COUNT", "0"))
    entries = {"gc.autoDetach": "false", "maintenance.autoDetach": "false"}
    values = {"GIT_CONFIG_COUNT": str(count + len(entries))}
    for index, (key, value) in enumerate(entries.items(), start=count):
        values[f"GIT_CONFIG_KEY_{index}"] = key
        values[f"GIT_CONFIG_VALUE_{index}"] = value
    return values


def _git_errors() -> tuple[type[BaseException], ...]:
    import git

    return (git.GitCommandError,)


def _sync(repo: Any, plan: SyncPlan, log: Log) -> str:
    local = _local_branch(repo)
    remote, branch = _upstream(repo, local, plan)
    _refuse_dirty(repo)
    log(f"fetching {branch} from {remote}")
    repo.git.fetch("--no-tags", remote, f"refs/heads/{branch}")
    target = str(repo.git.rev_parse("FETCH_HEAD^{commit}")).strip()
    head = str(repo.head.commit.hexsha)
    if target == head:
        return f"{local} is up to date with {remote}/{branch} at {head[:7]}"
    if repo.is_ancestor(target, head):
        return f"{local} at {head[:7]} is ahead of {remote}/{branch} ({target[:7]}): nothing to do"
    if not repo.is_ancestor(head, target):
        raise SyncRefused(_diverged(repo, local, head, f"{remote}/{branch}", target))
    if plan.verify_signatures:
        _verify_signature(repo, target)
    _lint_target(repo, plan.definitions_dir, target)
    count = int(repo.git.rev_list("--count", f"{head}..{target}"))
    repo.git.merge("--ff-only", "--quiet", target)
    return f"fast-forwarded {local} from {head[:7]} to {target[:7]} ({count} new commit(s))"


def _local_branch(repo: Any) -> str:
    if repo.head.is_detached:
        raise SyncRefused(
            f"HEAD of {repo.working_tree_dir} is detached; git-sync fast-forwards a branch: "
            "check out the branch to follow (git switch BRANCH)"
        )
    return str(repo.active_branch.name)


def _upstream(repo: Any, local: str, plan: SyncPlan) -> tuple[str, str]:
    tracking = repo.active_branch.tracking_branch()
    remote = plan.remote or (tracking.remote_name if tracking is not None else "origin")
    if plan.branch:
        return remote, plan.branch
    if tracking is None:
        raise SyncRefused(
            f"branch {local} has no upstream; set `branch` in the job's settings or run "
            f"`git branch --set-upstream-to={remote}/{local}`"
        )
    return remote, str(tracking.remote_head)


def _refuse_dirty(repo: Any) -> None:
    if not repo.is_dirty(untracked_files=True):
        return
    lines = str(repo.git.status("--porcelain")).splitlines()
    shown = ", ".join(line[3:] for line in lines[:5]) + (", ..." if len(lines) > 5 else "")
    raise SyncRefused(
        f"the work tree {repo.working_tree_dir} has uncommitted changes ({shown}); git-sync "
        "never touches local changes: commit, stash or remove them"
    )


def _diverged(repo: Any, local: str, head: str, upstream: str, target: str) -> str:
    ours = int(repo.git.rev_list("--count", f"{target}..{head}"))
    theirs = int(repo.git.rev_list("--count", f"{head}..{target}"))
    return (
        f"{local} ({head[:7]}) and {upstream} ({target[:7]}) have diverged: {ours} local and "
        f"{theirs} remote commit(s); git-sync only fast-forwards: push or drop the local "
        f"commits (e.g. `git reset --hard {upstream}` after checking them)"
    )


def _verify_signature(repo: Any, target: str) -> None:
    import git

    options: list[str] = []
    try:
        repo.git.config("--get", "gpg.minTrustLevel")
    except git.GitCommandError:
        options = ["-c", f"gpg.minTrustLevel={DEFAULT_TRUST}"]
    try:
        repo.git.execute(["git", *options, "verify-commit", target])
    except git.GitCommandError as exc:
        raise SyncRefused(
            f"commit {target[:7]} has no valid signature from a trusted key "
            f"({_first_lines(exc, 'it is not signed')}); sign the commit, or trust the "
            "signer's key (gpg --import / gpg.ssh.allowedSignersFile)"
        ) from None


def _lint_target(repo: Any, definitions_dir: Path, target: str) -> None:
    toplevel = Path(repo.working_tree_dir)
    subdir = definitions_dir.resolve().relative_to(toplevel.resolve()).as_posix() or "."
    try:
        files = read_definition_files(Revision(target, False, toplevel, subdir), target)
    except RevisionError:
        raise SyncRefused(
            f"commit {target[:7]} has no definitions directory {subdir!r}; refusing to move to "
            "it (check the branch and `path`)"
        ) from None
    registry = default_registry()
    result = load_from_files(files, root=definitions_dir, registry=registry)
    found = errors(result.diagnostics)
    if found:
        shown = "; ".join(_where(d) for d in found[:SHOWN_DIAGNOSTICS])
        more = (
            f" (and {len(found) - SHOWN_DIAGNOSTICS} more)"
            if len(found) > SHOWN_DIAGNOSTICS
            else ""
        )
        raise SyncRefused(
            f"the definitions at {target[:7]} do not lint ({len(found)} error(s)), HEAD not "
            f"moved: {shown}{more}; fix them on the branch (jobrunner lint)"
        )


def _where(diagnostic: Diagnostic) -> str:
    place = ":".join(
        str(part) for part in (diagnostic.file, diagnostic.line, diagnostic.column) if part
    )
    return f"{place}: {diagnostic.message}" if place else diagnostic.message


def _first_lines(exc: BaseException, silent: str | None = None) -> str:
    """The start of a git command's stderr; `silent` when it printed nothing (else the
    exception's text)."""
    stderr = str(getattr(exc, "stderr", "") or "").strip()
    text = stderr.removeprefix("stderr:").strip(" '\n") or silent or str(exc)
    return " ".join(text.split())[:300]
