"""The built-in `git-sync` type: follow a branch, fast-forward only, never to a broken set.

    kind: Job
    name: follow-main
    type: git-sync
    interval: 5m
    timeout: 2m
    settings:
      verify_signatures: true

Each run fetches the branch (default: the current branch's upstream), refuses a dirty work
tree and diverged history, optionally verifies the new commit's signature, lints the
definitions at the new commit from git objects, and only then fast-forwards. The running
daemon sees the new files through its watcher and reloads them like any other change.
See `runner.jobtypes.gitsyncops` for the steps and their messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runner.jobtypes.python import JobContext, JobFailed, PythonJobType

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "git-sync job settings",
    "description": (
        "Fast-forward the definitions checkout from its remote after checking that the new "
        "revision lints (and, optionally, that its commit is signed by a trusted key)."
    ),
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "remote": {
            "title": "Remote",
            "description": "The remote to fetch from (default: the upstream's, else origin).",
            "type": "string",
            "minLength": 1,
        },
        "branch": {
            "title": "Branch",
            "description": "The remote branch to follow (default: the current branch's upstream).",
            "type": "string",
            "minLength": 1,
        },
        "path": {
            "title": "Definitions directory",
            "description": (
                "The checkout to update, relative to the job file's directory (default: the "
                "runner's definitions directory)."
            ),
            "type": "string",
            "minLength": 1,
        },
        "verify_signatures": {
            "title": "Verify signatures",
            "description": (
                "Refuse a new commit without a good signature from a trusted key "
                "(git verify-commit; gpg.minTrustLevel defaults to marginal)."
            ),
            "type": "boolean",
        },
    },
}


class GitSyncType(PythonJobType):
    """`type: git-sync`: remote, branch, path, verify_signatures."""

    name = "git-sync"
    settings_schema: Mapping[str, Any] = SETTINGS_SCHEMA

    def run(self, ctx: JobContext) -> None:
        """Fetch and fast-forward; a refusal fails the job with the reason."""
        from runner.jobtypes.gitsyncops import SyncPlan, SyncRefused, sync  # the worker only

        plan = SyncPlan(
            definitions_dir=self._directory(ctx),
            remote=ctx.settings.get("remote"),
            branch=ctx.settings.get("branch"),
            verify_signatures=bool(ctx.settings.get("verify_signatures", False)),
        )
        try:
            done = sync(plan, ctx.logger.info)
        except SyncRefused as exc:
            raise JobFailed(str(exc)) from None
        ctx.logger.info("%s", done)

    @staticmethod
    def _directory(ctx: JobContext) -> Path:
        if "path" in ctx.settings:
            return Path(str(ctx.settings["path"])).resolve()  # the worker runs in the job's dir
        if ctx.definitions_dir is None:
            raise JobFailed("the runner did not say where the definitions are; set `path`")
        return ctx.definitions_dir
