"""`plan --format markdown`: a pull-request comment (GitHub and GitLab flavoured Markdown).

The first line is an HTML comment marker (`<!-- jobrunner-plan -->`) so that CI can find and
update its earlier comment. Long lists are folded into `<details>`; table cells are escaped
(`|`, `<`, newlines) so that text from the definitions cannot break the layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from runner.diagnostics import Diagnostic
from runner.plan.model import PlanContext, PlanDiff, Rename
from runner.plan.words_time import at_line, first_due, hours, location, since, stamp, stretch

MARKER = "<!-- jobrunner-plan -->"
FOLD = 10
"""Tables with more rows than this are folded into `<details>`."""
MAX_COMMENT = 60_000
"""Longer output is cut: GitHub refuses comments over 65,536 characters."""


def cell(text: str) -> str:
    """Text made safe for a table cell."""
    return (
        text.replace(" -> ", " → ").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("|", "\\|").replace("\r", "").replace("\n", "<br>")
    )  # fmt: skip


def code(text: str) -> str:
    """Inline code (names, paths) for a table cell."""
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def table(title: str, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Iterator[str]:
    """A Markdown table under a heading, folded into `<details>` when long."""
    yield f"\n#### {title}\n"
    if len(rows) > FOLD:
        yield f"<details><summary>{len(rows)} rows</summary>\n"
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    yield from ("| " + " | ".join(row) + " |" for row in rows)
    if len(rows) > FOLD:
        yield "\n</details>"


def _changes(texts: Iterable[str]) -> str:
    return "<br>".join(cell(t) for t in texts)


def _rename(rename: Rename) -> str:
    if rename.explicit:
        head = "renamed (`renamed_from`: its state moves over)"
    else:
        head = (
            "⚠️ renamed without `renamed_from`: starts as a new job; add "
            f"`renamed_from: [{rename.old}]` to keep its state"
        )
    return "<br>".join([head, *(cell(c.text) for c in rename.changes)])


def _job_rows(diff: PlanDiff, context: PlanContext) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for job in diff.added:
        due = first_due(job.next_due, job.next_due_zone, diff.now)
        where = code(at_line(context, job.file, job.line))
        rows.append(("added", code(job.name), cell(f"{job.schedule}; first run {due}"), where))
    rows += [("removed", code(j.name), cell(f"was {j.schedule}"), "") for j in diff.removed]
    for rename in diff.renamed:
        where = code(at_line(context, rename.file, rename.line))
        names = f"{code(rename.old)} → {code(rename.new)}"
        rows.append(("renamed", names, _rename(rename), where))
    for change in diff.changed:
        where = code(at_line(context, change.file, change.line))
        texts = (c.text for c in change.changes)
        rows.append(("changed", code(change.name), _changes(texts), where))
    unknown = "missing at the head, in a file with errors there: see the lint errors"
    rows += [
        ("not compared", code(j.name), unknown, code(context.path(j.file)))
        for j in diff.not_compared
    ]
    return rows


def _periods(diff: PlanDiff) -> Iterator[str]:
    window = f"Next {diff.window_days} days"
    rows = [
        (code(p.name), p.timezone, "added", f"active {hours(p.active)}", "")
        for p in diff.periods_added
    ]
    rows += [
        (code(p.name), p.timezone, "removed", f"was {hours(p.active)}", "")
        for p in diff.periods_removed
    ]
    rows += [
        (code(p.name), p.timezone, "not compared: its file has errors at the head", "", "")
        for p in diff.periods_not_compared
    ]
    for change in diff.periods_changed:
        span = f"+{hours(change.gained_time)} / -{hours(change.lost_time)}"
        used = ", ".join(code(j) for j in change.jobs)
        texts = (c.text for c in change.changes)
        rows.append((code(change.name), change.timezone, _changes(texts), span, used))
    if rows:
        yield from table("Time periods", ("Period", "Zone", "Change", window, "Used by"), rows)
    for change in diff.periods_changed:
        if change.gained or change.lost:
            yield f"\n<details><summary>Hours gained and lost: {cell(change.name)}</summary>\n"
            yield from (f"- gained {stretch(s)}" for s in change.gained)
            yield from (f"- lost {stretch(s)}" for s in change.lost)
            yield "\n</details>"


def _starting(diff: PlanDiff) -> Iterator[str]:
    if not diff.starting:
        return
    rows = [
        (code(s.name), s.reason, cell(s.why), f"due {since(s.due_at, diff.now)}")
        for s in diff.starting
    ]
    yield from table("Starts right after the merge", ("Job", "Reason", "Why", "Due"), rows)


def _findings(diff: PlanDiff, context: PlanContext) -> Iterator[str]:
    yield "\n#### Lint of the head revision\n"
    if diff.is_valid:
        yield f"✅ No errors ({len(diff.warnings)} warning(s))."
    else:
        yield f"❌ **{len(diff.errors)} error(s)**: this revision does not load; fix them first."
        rows = [_finding_row(d, context) for d in diff.errors]
        yield from table("Errors", ("Location", "Code", "Message"), rows)
    if diff.warnings:
        yield f"\n<details><summary>{len(diff.warnings)} warning(s)</summary>\n"
        yield "| Location | Code | Message |\n|---|---|---|"
        yield from ("| " + " | ".join(_finding_row(d, context)) + " |" for d in diff.warnings)
        yield "\n</details>"


def _finding_row(diagnostic: Diagnostic, context: PlanContext) -> tuple[str, str, str]:
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    return (code(location(diagnostic, context)), code(diagnostic.code), cell(message))


def _summary(diff: PlanDiff) -> str:
    periods = len(diff.periods_added) + len(diff.periods_removed) + len(diff.periods_changed)
    parts = [
        f"{len(diff.added)} added",
        f"{len(diff.removed)} removed",
        f"{len(diff.renamed)} renamed",
        f"{len(diff.changed)} changed",
        f"{periods} time period(s) changed",
    ]
    if diff.starting:  # "0 start right after the merge" read oddly; none is said by omission
        parts.append(f"{len(diff.starting)} start right after the merge")
    parts.append("lints clean" if diff.is_valid else f"**{len(diff.errors)} lint error(s)**")
    return " · ".join(parts)


def render_markdown(diff: PlanDiff, context: PlanContext) -> str:
    """The plan as a Markdown pull-request comment."""
    lines = [
        MARKER,
        "### jobrunner plan",
        "",
        (
            f"`{context.base_commit[:7]}` ({cell(context.base_label)}) → "
            f"`{context.head_commit[:7]}` ({cell(context.head_label)}), "
            f"definitions in `{context.jobs_dir}`"
        ),
        "",
        _summary(diff),
    ]
    lines += [f"\n> {cell(note)}" for note in context.notes]
    if not diff.has_changes:
        lines.append("\nNo changes to jobs, time periods or Defaults.")
    rows = _job_rows(diff, context)
    if rows:
        lines += table("Jobs", ("", "Job", "What changes", "Where"), rows)
    if diff.defaults:
        lines += ["\n#### Defaults\n", *(f"- {cell(c.text)}" for c in diff.defaults)]
    lines += [*_periods(diff), *_starting(diff), *_findings(diff, context)]
    state = f"the state in `{context.state_file}`" if context.state_file else "no state"
    lines.append(f"\n<sub>As of {stamp(diff.now)}, with {state}.</sub>")
    return cut("\n".join(lines) + "\n")


def cut(text: str, limit: int = MAX_COMMENT) -> str:
    """`text` cut at a line boundary to fit a comment, open `<details>` closed, and a note."""
    if len(text) <= limit:
        return text
    kept = text[: text.rfind("\n", 0, limit - 500) + 1]
    still_open = kept.count("<details>") - kept.count("</details>")
    note = (
        f"\n**… cut: {len(text) - len(kept):,} more characters.** Run `jobrunner plan` "
        "(or see the CI job's log) for the whole plan.\n"
    )
    return kept + "\n</details>\n" * still_open + note
