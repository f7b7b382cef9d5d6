"""The loader shared by lint and the daemon: files in, `Definitions` plus every diagnostic out.

`load_definitions` walks and reads a directory; `load_from_files` takes contents by path (the
daemon uses it for a git revision). Per-file work runs on both cores for big trees.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from runner.definitions import crossfile
from runner.definitions.build import (
    build_defaults,
    build_job,
    build_period_def,
    build_periods,
    periods_in,
    resolve_zone,
    zone_finding,
)
from runner.definitions.documents import Document, is_known_zone
from runner.definitions.findings import Finding
from runner.definitions.ignore import IgnoreRules
from runner.definitions.parsefile import FileOutcome, check_file, decode
from runner.definitions.permissions import PermissionPolicy
from runner.definitions.positions import resolve
from runner.definitions.secrets_lint import literal_secrets
from runner.definitions.walker import IGNORE_FILE, is_definition_path, walk
from runner.diagnostics import Diagnostic, Severity, errors
from runner.jobtypes import JobTypeRegistry, default_registry
from runner.model import Definitions, TimePeriodDef
from runner.platform import has_accounts

PARALLEL_FILES = 400
"""From this many files on, the per-file stage runs in a process pool."""


class ParseCache:
    """Per-file results of earlier loads, keyed by path and content digest.

    The daemon keeps one across reloads so that only files whose content changed are parsed
    and validated again: reloading one changed file in a tree of 1,000 costs one file's
    parse plus the cross-file checks. Entries of files that are gone are dropped.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[bytes, FileOutcome]] = {}
        self.parsed = 0
        """Files parsed (not served from the cache) by the last load."""

    def check_all(self, files: Mapping[str, bytes], registry: JobTypeRegistry) -> list[FileOutcome]:
        """`_check_all` for the files whose content is new; cached outcomes for the rest."""
        fresh: dict[str, tuple[bytes, FileOutcome]] = {}
        todo: dict[str, bytes] = {}
        for path, data in files.items():
            digest = hashlib.blake2b(data, digest_size=16).digest()
            cached = self._entries.get(path)
            if cached is not None and cached[0] == digest:
                fresh[path] = cached
            else:
                todo[path] = data
                fresh[path] = (digest, FileOutcome(path))
        for outcome in _check_all(todo, registry):
            fresh[outcome.file] = (fresh[outcome.file][0], outcome)
        self._entries = fresh
        self.parsed = len(todo)
        return [fresh[path][1] for path in sorted(fresh)]


@dataclass(frozen=True)
class LoadResult:
    """The definitions built from everything valid, and every finding, sorted."""

    definitions: Definitions
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        """No errors: callers that run jobs use `definitions` only then."""
        return not errors(self.diagnostics)


def load_definitions(
    root: Path,
    *,
    timezone: str | None = None,
    registry: JobTypeRegistry | None = None,
    cache: ParseCache | None = None,
    permissions: PermissionPolicy | None = None,
    secrets: bool = False,
    permissions_uid: int | None = None,
) -> LoadResult:
    """Walk, read and load the definitions directory `root` (SPEC §2); with `cache`, files
    whose content did not change since the cache's last load are not parsed again; with
    `permissions`, who may write the tree is checked too (`runner.definitions.permissions`),
    for the user `permissions_uid` (default: this process's effective user);
    with `secrets` (lint), strings that look like literal secrets are reported as warnings."""
    if not root.is_dir():
        missing = Diagnostic(
            None,
            None,
            None,
            "missing-directory",
            f"definitions directory {root} does not exist",
            "pass --jobs-dir or set JOBRUNNER_JOBS_DIR",
        )
        return LoadResult(Definitions(root=root), [missing], 0)
    walked = walk(root)
    result = _load(
        walked.files, root, timezone, registry, walked.diagnostics, cache=cache, secrets=secrets
    )
    if permissions is None or not has_accounts():  # no owners or modes (Windows)
        return result
    from runner.definitions.permscan import program_paths, scan_permissions

    paths = [*walked.files, *program_paths(result.definitions)]
    checked = scan_permissions(root, paths, permissions, euid=permissions_uid)
    found = sorted([*result.diagnostics, *checked], key=Diagnostic.sort_key)
    return replace(result, diagnostics=found)


def load_from_files(
    files: Mapping[str, bytes],
    *,
    root: Path,
    timezone: str | None = None,
    registry: JobTypeRegistry | None = None,
) -> LoadResult:
    """Load definitions from contents keyed by root-relative `/`-separated paths.

    Every path is filtered as a walk would (suffix, hidden, editor leftovers, the
    `.jobrunnerignore` among `files`), so a whole git tree can be passed.
    """
    return _load(files, root, timezone, registry, [])


def _select(files: Mapping[str, bytes]) -> dict[str, bytes]:
    ignore = files.get(IGNORE_FILE, b"").decode("utf-8", "replace")
    rules = IgnoreRules(ignore)
    return {path: data for path, data in files.items() if is_definition_path(path, rules)}


_POOL_REGISTRY: JobTypeRegistry | None = None


def _pool_check(item: tuple[str, bytes]) -> FileOutcome:
    assert _POOL_REGISTRY is not None
    return check_file(item[0], item[1], _POOL_REGISTRY)


def _check_all(files: Mapping[str, bytes], registry: JobTypeRegistry) -> list[FileOutcome]:
    items = sorted(files.items())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    # fork() is only safe while this process has no other threads (the daemon has some:
    # a lock held by one of them would be held forever in the child), so the daemon's
    # reloads stay in-process; `lint` and `run` are single-threaded.
    if len(items) < PARALLEL_FILES or cores < 2 or threading.active_count() > 1:
        return [check_file(path, data, registry) for path, data in items]
    import multiprocessing

    global _POOL_REGISTRY  # noqa: PLW0603 - inherited by forked workers, never pickled
    _POOL_REGISTRY = registry
    _warm_up(registry)
    context = multiprocessing.get_context("fork")
    with context.Pool(min(cores, 4)) as pool:
        return pool.map(_pool_check, items, chunksize=max(16, len(items) // (cores * 8)))


def _warm_up(registry: JobTypeRegistry) -> None:
    """Build validators and the YAML loader before forking, so workers share them."""
    check_file("warm-up.yaml", b"kind: Defaults\n", registry)


def _load(
    files: Mapping[str, bytes],
    root: Path,
    timezone: str | None,
    registry: JobTypeRegistry | None,
    diagnostics: list[Diagnostic],
    *,
    cache: ParseCache | None = None,
    secrets: bool = False,
) -> LoadResult:
    registry = registry if registry is not None else default_registry()
    selected = _select(files)
    if cache is None:
        outcomes = _check_all(selected, registry)
    else:
        outcomes = cache.check_all(selected, registry)
    docs = [doc for outcome in outcomes for doc in outcome.documents]
    findings = [f for outcome in outcomes for f in outcome.findings]
    found = [*diagnostics, *registry.diagnostics]
    for outcome in outcomes:
        found.extend(outcome.diagnostics)
    definitions, more = _assemble(root, docs, timezone, len(selected))
    findings.extend(more)
    if secrets:
        findings.extend(literal_secrets(docs))
    found.extend(resolve(_texts(selected, findings), findings))
    return LoadResult(definitions, sorted(found, key=Diagnostic.sort_key), len(selected))


def _texts(files: Mapping[str, bytes], findings: Iterable[Finding]) -> dict[str, str]:
    out: dict[str, str] = {}
    for finding in findings:
        if finding.file not in out:
            text = decode(finding.file, files[finding.file])
            out[finding.file] = text if isinstance(text, str) else ""
    return out


def _assemble(
    root: Path, docs: list[Document], timezone: str | None, files: int
) -> tuple[Definitions, list[Finding]]:
    findings: list[Finding] = []
    findings.extend(crossfile.index_by_name(docs, "Job"))
    findings.extend(crossfile.index_by_name(docs, "TimePeriod"))
    findings.extend(crossfile.more_than_one_defaults(docs))
    periods = periods_in(docs)
    findings.extend(crossfile.unknown_references(docs, periods))
    findings.extend(crossfile.cycles(periods))
    bad = {(f.file, f.doc) for f in findings}
    defaults_docs = [d for d in docs if d.kind == "Defaults"]
    defaults = build_defaults(defaults_docs[0] if defaults_docs else None)
    if defaults_docs and defaults.timezone is None:
        # A Defaults with errors still says which zone was meant: no "zone missing" noise.
        written = defaults_docs[0].data.get("timezone")
        defaults = replace(defaults, timezone=written if isinstance(written, str) else None)
    period_defs: dict[str, TimePeriodDef] = {}
    for name, doc in periods.items():
        zone, origin = resolve_zone(doc, defaults, timezone)
        finding = zone_finding(doc, zone, origin)
        if finding is not None:
            findings.append(finding)
        # An unknown zone from a Defaults with errors is reported there; the period waits.
        zone_ok = (finding is None or finding.severity is Severity.WARNING) and is_known_zone(zone)
        if zone_ok and not doc.has_errors and (doc.file, doc.index) not in bad:
            period_defs[name] = build_period_def(doc, zone, origin)
    jobs = {
        doc.data["name"]: build_job(doc)
        for doc in docs
        if doc.kind == "Job" and not doc.has_errors and (doc.file, doc.index) not in bad
    }
    definitions = Definitions(
        root=root,
        jobs=jobs,
        timeperiod_defs=period_defs,
        timeperiods=build_periods(period_defs),
        defaults=defaults,
        files=files,
    )
    return definitions, findings
