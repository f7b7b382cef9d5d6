"""Which jobs were added, removed, renamed or changed between two sets of definitions.

A job under a new name counts as renamed when it lists a vanished job in `renamed_from`
(its state moves over), or when everything that decides what runs and when is identical to a
vanished job's (its state does not move: it starts as new, and `plan` says to add
`renamed_from`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from runner.model import JobDef
from runner.plan.model import JobChange, Rename, where
from runner.plan.words import identity, job_changes


@dataclass
class JobDiff:
    """The jobs' differences by name; `added` and `removed` exclude renamed jobs."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    changed: list[JobChange] = field(default_factory=list)


def _explicit_renames(
    base: Mapping[str, JobDef], head: Mapping[str, JobDef], added: list[str], removed: set[str]
) -> list[Rename]:
    renames = []
    for name in added:
        job = head[name]
        old = next((o for o in job.renamed_from if o in removed), None)
        if old is not None:
            removed.discard(old)
            changes = job_changes(base[old], job)
            file, line = where(job.source)
            renames.append(Rename(old, name, True, file, line, changes))
    return renames


def _implicit_renames(
    base: Mapping[str, JobDef], head: Mapping[str, JobDef], added: list[str], removed: set[str]
) -> list[Rename]:
    by_identity: dict[str, list[str]] = {}
    for old in sorted(removed):
        by_identity.setdefault(identity(base[old]), []).append(old)
    renames = []
    for name in added:
        candidates = by_identity.get(identity(head[name]))
        if candidates:
            old = candidates.pop(0)
            removed.discard(old)
            changes = job_changes(base[old], head[name])
            file, line = where(head[name].source)
            renames.append(Rename(old, name, False, file, line, changes))
    return renames


def diff_jobs(base: Mapping[str, JobDef], head: Mapping[str, JobDef]) -> JobDiff:
    """Compare the jobs of two revisions by name, then pair up renames."""
    added = sorted(set(head) - set(base))
    removed = set(base) - set(head)
    renamed = _explicit_renames(base, head, added, removed)
    new_names = {r.new for r in renamed}
    renamed += _implicit_renames(base, head, [n for n in added if n not in new_names], removed)
    new_names = {r.new for r in renamed}
    changed = []
    for name in sorted(set(base) & set(head)):
        changes = job_changes(base[name], head[name])
        if changes:
            file, line = where(head[name].source)
            changed.append(JobChange(name, file, line, changes))
    return JobDiff(
        added=[n for n in added if n not in new_names],
        removed=sorted(removed),
        renamed=sorted(renamed, key=lambda r: r.new),
        changed=changed,
    )
