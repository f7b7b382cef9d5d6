"""`plan --format json`: one stable JSON object (documented in docs/plan.md "JSON output").

Instants are ISO 8601 in UTC with seconds; durations are seconds (numbers) plus the same in
words; file paths are relative to the git top level (`path`) and to the definitions
directory (`file`). Keys are only ever added, never renamed or removed, within `version` 1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from runner.diagnostics import Diagnostic
from runner.plan.model import FieldChange, PlanContext, PlanDiff, Segment
from runner.plan.words_time import hours

VERSION = 1


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).isoformat(timespec="seconds")


def _where(context: PlanContext, file: str | None, line: int | None) -> dict[str, Any]:
    return {"file": file, "path": context.path(file) if file else None, "line": line}


def _changes(changes: tuple[FieldChange, ...] | list[FieldChange]) -> list[dict[str, Any]]:
    return [
        {"field": c.field, "before": c.before, "after": c.after, "text": c.text} for c in changes
    ]


def _segments(segments: tuple[Segment, ...]) -> list[dict[str, Any]]:
    return [
        {
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "seconds": s.length.total_seconds(),
        }
        for s in segments
    ]


def _finding(d: Diagnostic, context: PlanContext) -> dict[str, Any]:
    return {
        **_where(context, d.file, d.line),
        "column": d.column,
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
    }


def _jobs(diff: PlanDiff, context: PlanContext) -> dict[str, Any]:
    return {
        "added": [
            {"name": j.name, **_where(context, j.file, j.line), "schedule": j.schedule,
             "first_due": _iso(j.next_due)}
            for j in diff.added
        ],
        "removed": [
            {"name": j.name, **_where(context, j.file, j.line), "schedule": j.schedule}
            for j in diff.removed
        ],
        "renamed": [
            {"from": r.old, "to": r.new, "renamed_from": r.explicit,
             **_where(context, r.file, r.line), "changes": _changes(r.changes)}
            for r in diff.renamed
        ],
        "changed": [
            {"name": c.name, **_where(context, c.file, c.line), "changes": _changes(c.changes)}
            for c in diff.changed
        ],
        "not_compared": [
            {"name": j.name, **_where(context, j.file, j.line)} for j in diff.not_compared
        ],
    }  # fmt: skip


def _periods(diff: PlanDiff, context: PlanContext) -> dict[str, Any]:
    def summary(items: list[Any]) -> list[dict[str, Any]]:
        return [
            {"name": p.name, "timezone": p.timezone, **_where(context, p.file, p.line),
             "active_seconds": p.active.total_seconds()}
            for p in items
        ]  # fmt: skip

    return {
        "added": summary(diff.periods_added),
        "removed": summary(diff.periods_removed),
        "not_compared": summary(diff.periods_not_compared),
        "changed": [
            {"name": p.name, "timezone": p.timezone, **_where(context, p.file, p.line),
             "changes": _changes(p.changes),
             "gained_seconds": p.gained_time.total_seconds(), "gained": _segments(p.gained),
             "lost_seconds": p.lost_time.total_seconds(), "lost": _segments(p.lost),
             "summary": f"+{hours(p.gained_time)} / -{hours(p.lost_time)}",
             "jobs": list(p.jobs)}
            for p in diff.periods_changed
        ],
    }  # fmt: skip


def plan_document(diff: PlanDiff, context: PlanContext) -> dict[str, Any]:
    """The plan as a JSON-ready mapping."""
    return {
        "version": VERSION,
        "valid": diff.is_valid,
        "now": _iso(diff.now),
        "window_days": diff.window_days,
        "base": {"label": context.base_label, "commit": context.base_commit,
                 "errors": diff.base_errors},
        "head": {"label": context.head_label, "commit": context.head_commit},
        "jobs_dir": context.jobs_dir,
        "state_file": context.state_file,
        "notes": list(context.notes),
        "has_changes": diff.has_changes,
        "jobs": _jobs(diff, context),
        "timeperiods": _periods(diff, context),
        "defaults": _changes(diff.defaults),
        "starting": [
            {"name": s.name, "reason": s.reason, "why": s.why, "due_at": _iso(s.due_at)}
            for s in diff.starting
        ],
        "errors": [_finding(d, context) for d in diff.errors],
        "warnings": [_finding(d, context) for d in diff.warnings],
    }  # fmt: skip


def render_json(diff: PlanDiff, context: PlanContext) -> str:
    """The plan as one indented JSON object."""
    return json.dumps(plan_document(diff, context), indent=2, ensure_ascii=False) + "\n"
