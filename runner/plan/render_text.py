"""`plan --format text`: the plan for a terminal or a CI log."""

from __future__ import annotations

from collections.abc import Iterator

from runner.plan.model import PlanContext, PlanDiff, Rename, Segment
from runner.plan.words_time import at_line, first_due, hours, location, since, stamp, stretch

MAX_STRETCHES = 8
"""Gained or lost stretches listed per period; the rest are counted."""


def _heading(diff: PlanDiff, context: PlanContext) -> Iterator[str]:
    yield (
        f"jobrunner plan: {context.base_commit[:7]} ({context.base_label}) -> "
        f"{context.head_commit[:7]} ({context.head_label}), definitions in {context.jobs_dir}"
    )
    if context.state_file:
        yield f"state: {context.state_file}"
    else:
        yield "state: none readable; every job counts as never run"
    yield from (f"note: {note}" for note in context.notes)


def _rename(rename: Rename) -> str:
    if rename.explicit:
        return f"  ~ {rename.old} -> {rename.new}  (renamed_from: its state moves over)"
    return (
        f"  ~ {rename.old} -> {rename.new}  (same settings, no renamed_from: it starts as a new "
        f"job; add `renamed_from: [{rename.old}]` to keep its state)"
    )


def _jobs(diff: PlanDiff, context: PlanContext) -> Iterator[str]:
    if diff.added:
        yield f"\nJobs added ({len(diff.added)}):"
        for job in diff.added:
            yield (
                f"  + {job.name}  {job.schedule}, first run "
                f"{first_due(job.next_due, job.next_due_zone, diff.now)}  "
                f"[{at_line(context, job.file, job.line)}]"
            )
    if diff.removed:
        yield f"\nJobs removed ({len(diff.removed)}):"
        yield from (f"  - {job.name}  (was {job.schedule})" for job in diff.removed)
    if diff.renamed:
        yield f"\nJobs renamed ({len(diff.renamed)}):"
        for rename in diff.renamed:
            yield _rename(rename)
            yield from (f"      {c.text}" for c in rename.changes)
    if diff.changed:
        yield f"\nJobs changed ({len(diff.changed)}):"
        for change in diff.changed:
            yield f"  * {change.name}  [{at_line(context, change.file, change.line)}]"
            yield from (f"      {c.text}" for c in change.changes)
    if diff.defaults:
        yield "\nDefaults changed:"
        yield from (f"  * {c.text}" for c in diff.defaults)


def _stretches(word: str, stretches: tuple[Segment, ...]) -> Iterator[str]:
    sign = "+" if word == "gained" else "-"
    yield from (f"      {sign} {stretch(s)}" for s in stretches[:MAX_STRETCHES])
    if len(stretches) > MAX_STRETCHES:
        yield f"      ... and {len(stretches) - MAX_STRETCHES} more {word} stretches"


def _periods(diff: PlanDiff) -> Iterator[str]:
    for title, items in (("added", diff.periods_added), ("removed", diff.periods_removed)):
        if items:
            yield f"\nTime periods {title} ({len(items)}):"
            for item in items:
                yield (
                    f"  {'+' if title == 'added' else '-'} {item.name} ({item.timezone}): "
                    f"active {hours(item.active)} in the next {diff.window_days} days"
                )
    if diff.periods_changed:
        yield f"\nTime periods changed ({len(diff.periods_changed)}):"
        for change in diff.periods_changed:
            used = f", used by {', '.join(change.jobs)}" if change.jobs else ""
            yield f"  * {change.name} ({change.timezone}){used}"
            yield from (f"      {c.text}" for c in change.changes)
            yield (
                f"      next {diff.window_days} days: {hours(change.gained_time)} gained, "
                f"{hours(change.lost_time)} lost"
            )
            yield from _stretches("gained", change.gained)
            yield from _stretches("lost", change.lost)


def _not_compared(diff: PlanDiff, context: PlanContext) -> Iterator[str]:
    items = [*(("job", j.name, j.file) for j in diff.not_compared)]
    items += [("time period", p.name, p.file) for p in diff.periods_not_compared]
    if items:
        yield f"\nNot compared: missing at the head, in a file with errors there ({len(items)}):"
        yield from (f"  ? {kind} {name}  [{context.path(file)}]" for kind, name, file in items)


def _starting(diff: PlanDiff) -> Iterator[str]:
    if not diff.starting:
        yield "\nNo job starts because of this change."
        return
    yield f"\nStarts right after the merge ({len(diff.starting)}):"
    for start in diff.starting:
        yield f"  > {start.name}  {start.reason}: {start.why} (due {since(start.due_at, diff.now)})"


def _findings(diff: PlanDiff, context: PlanContext) -> Iterator[str]:
    state = "lints clean" if diff.is_valid else "does NOT lint"
    yield (f"\nHead revision {state}: {len(diff.errors)} error(s), {len(diff.warnings)} warning(s)")
    for diagnostic in [*diff.errors, *diff.warnings]:
        level = "error" if diagnostic.is_error else "warning"
        yield f"  {location(diagnostic, context)}: {level}[{diagnostic.code}]: {diagnostic.message}"
        if diagnostic.hint:
            yield f"      hint: {diagnostic.hint}"


def render_text(diff: PlanDiff, context: PlanContext) -> str:
    """The whole plan as plain text lines."""
    lines = [*_heading(diff, context)]
    if not diff.has_changes:
        lines.append("\nNo changes to jobs, time periods or Defaults.")
    lines += [*_jobs(diff, context), *_periods(diff), *_not_compared(diff, context)]
    lines += [*_starting(diff), *_findings(diff, context)]
    lines.append(f"\n(times as of {stamp(diff.now)})")
    return "\n".join(lines) + "\n"
