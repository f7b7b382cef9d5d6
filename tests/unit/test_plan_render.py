"""The plan renderers: text, Markdown (escaping, folding) and the JSON document's shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from runner.diagnostics import Diagnostic
from runner.plan.model import (
    FieldChange,
    JobChange,
    JobSummary,
    PeriodChange,
    PlanContext,
    PlanDiff,
    Rename,
    Segment,
    Start,
)
from runner.plan.render import render
from runner.plan.render_markdown import MARKER, MAX_COMMENT, cell

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
CONTEXT = PlanContext("origin/main", "a" * 40, "HEAD", "b" * 40, "ops/jobs.d")


INTERVAL = FieldChange("interval", "15m", "5m", "interval 15m -> 5m")
MONDAY = FieldChange(
    "ranges.monday", "09:00-17:00", "09:00-19:00", "monday: 09:00-17:00 -> 09:00-19:00"
)


def sample() -> PlanDiff:
    """A plan with one of everything."""
    gained = Segment(
        datetime(2026, 11, 23, 17, tzinfo=BERLIN), datetime(2026, 11, 23, 19, tzinfo=BERLIN)
    )
    return PlanDiff(
        now=NOW,
        added=[JobSummary("fresh", "a.yaml", 3, "every 5m", NOW, "UTC")],
        removed=[JobSummary("gone", "b.yaml", 1, "every 1h")],
        renamed=[Rename("old", "new", False, "c.yaml", 1)],
        changed=[
            JobChange("sync", "d.yaml", 7, (INTERVAL,))
        ],
        periods_changed=[
            PeriodChange(
                "office", "Europe/Berlin", "p.yaml", 1,
                (MONDAY,),
                (gained,), (), ("sync",),
            )
        ],
        starting=[Start("fresh", "new", "never ran", NOW)],
        errors=[Diagnostic("e.yaml", 4, 11, "duration", "interval: 'a|b' is <bad>", "use 15m")],
    )  # fmt: skip


def test_text_lists_every_section_with_repository_paths() -> None:
    """Text names commits, changes in words, stretches in the zone, errors at file:line:col."""
    text = render("text", sample(), CONTEXT)
    assert text.startswith("jobrunner plan: aaaaaaa (origin/main) -> bbbbbbb (HEAD)")
    assert "  + fresh  every 5m, first run right after the merge  [ops/jobs.d/a.yaml:3]" in text
    assert "  * sync  [ops/jobs.d/d.yaml:7]\n      interval 15m -> 5m" in text
    assert "      next 14 days: 2h gained, 0h lost\n      + Mon 2026-11-23 17:00-19:00 CET" in text
    assert "  > fresh  new: never ran (due now)" in text
    assert "  ops/jobs.d/e.yaml:4:11: error[duration]: interval: 'a|b' is <bad>" in text


def test_markdown_is_a_marked_comment_with_escaped_cells() -> None:
    """Markdown starts with the marker; `|` and `<` from the definitions cannot break tables."""
    markdown = render("markdown", sample(), CONTEXT)
    assert markdown.startswith(MARKER + "\n### jobrunner plan\n")
    assert "| changed | `sync` | interval 15m → 5m | `ops/jobs.d/d.yaml:7` |" in markdown
    assert "interval: 'a\\|b' is &lt;bad&gt;<br>hint: use 15m" in markdown
    assert "add `renamed_from: [old]` to keep its state" in markdown
    assert "- gained Mon 2026-11-23 17:00-19:00 CET" in markdown
    assert "❌ **1 error(s)**" in markdown


def test_markdown_folds_long_tables() -> None:
    """More than ten rows go into a collapsible <details> block."""
    many = [JobSummary(f"job-{i:02}", "a.yaml", i, "every 5m", NOW) for i in range(12)]
    markdown = render("markdown", PlanDiff(now=NOW, added=many), CONTEXT)
    assert "<details><summary>12 rows</summary>" in markdown
    assert markdown.count("| added |") == 12


def test_cell_escapes_markdown_and_html() -> None:
    """Pipes, angle brackets, ampersands and newlines are escaped; arrows look like arrows."""
    assert cell("a|b <i>&\nc -> d") == "a\\|b &lt;i&gt;&amp;<br>c → d"


def test_json_document_has_the_documented_keys() -> None:
    """The JSON object keeps its documented top-level keys and entry shapes."""
    document = json.loads(render("json", sample(), CONTEXT))
    assert list(document) == [
        "version", "valid", "now", "window_days", "base", "head", "jobs_dir", "state_file",
        "notes", "has_changes", "jobs", "timeperiods", "defaults", "starting", "errors",
        "warnings",
    ]  # fmt: skip
    assert document["version"] == 1
    assert document["valid"] is False
    assert document["jobs"]["changed"][0] == {
        "name": "sync", "file": "d.yaml", "path": "ops/jobs.d/d.yaml", "line": 7,
        "changes": [{"field": "interval", "before": "15m", "after": "5m",
                     "text": "interval 15m -> 5m"}],
    }  # fmt: skip
    period = document["timeperiods"]["changed"][0]
    assert period["gained"] == [
        {
            "start": "2026-11-23T17:00:00+01:00",
            "end": "2026-11-23T19:00:00+01:00",
            "seconds": 7200.0,
        }
    ]
    assert period["gained_seconds"] == timedelta(hours=2).total_seconds()
    assert document["errors"][0]["path"] == "ops/jobs.d/e.yaml"
    assert document["starting"] == [
        {
            "name": "fresh",
            "reason": "new",
            "why": "never ran",
            "due_at": "2026-11-23T10:00:00+00:00",
        }
    ]


def test_due_times_are_rounded_as_status_writes_them() -> None:
    """A start's due time reads `due for 5d` in Markdown and text, as `status` writes ages (it
    read `due for 5d7h47m25s`); a future one `in 3h`."""
    overdue = NOW - timedelta(days=5, hours=7, minutes=47, seconds=25)
    later = NOW + timedelta(hours=3, minutes=59, seconds=59)
    starts = [
        Start("sync", "newly due", "interval 1w -> 1h", overdue),
        Start("b", "new", "", later),
    ]
    diff = PlanDiff(now=NOW, changed=[JobChange("sync", "d.yaml", 7, (INTERVAL,))], starting=starts)
    markdown = render("markdown", diff, CONTEXT)
    assert "| `sync` | newly due | interval 1w → 1h | due for 5d |" in markdown
    assert "| due in 3h |" in markdown
    assert "(due for 5d)" in render("text", diff, CONTEXT)


def test_markdown_summary_counts_starts_only_when_there_are_some() -> None:
    """The summary line names the starts right after the merge when there are any, and says
    nothing of them otherwise (it read `0 start right after the merge`)."""
    change = JobChange("sync", "d.yaml", 7, (INTERVAL,))
    quiet = render("markdown", PlanDiff(now=NOW, changed=[change]), CONTEXT)
    assert "0 added · 0 removed · 0 renamed · 1 changed · 0 time period(s) changed · lints" in quiet
    assert "start right after the merge" not in quiet
    assert "· 1 start right after the merge ·" in render("markdown", sample(), CONTEXT)


def test_no_changes_says_so() -> None:
    """An empty plan says there is nothing to review, in text and Markdown."""
    empty = PlanDiff(now=NOW)
    assert "No changes to jobs, time periods or Defaults." in render("text", empty, CONTEXT)
    assert "No changes to jobs, time periods or Defaults." in render("markdown", empty, CONTEXT)


def test_markdown_longer_than_a_comment_is_cut_with_details_closed() -> None:
    """Output over the comment limit ends at a line, closes <details> and says it was cut."""
    many = [JobSummary(f"job-{i:04}", "a.yaml", i, "every 5m", NOW) for i in range(800)]
    markdown = render("markdown", PlanDiff(now=NOW, added=many), CONTEXT)
    assert len(markdown) <= MAX_COMMENT
    assert markdown.count("<details>") == markdown.count("</details>")
    assert "more characters.** Run `jobrunner plan`" in markdown
