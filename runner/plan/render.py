"""Choose a plan renderer by format name."""

from __future__ import annotations

from runner.plan.model import PlanContext, PlanDiff
from runner.plan.render_text import render_text


def render(fmt: str, diff: PlanDiff, context: PlanContext) -> str:
    """The plan in `fmt` (`text`, `markdown` or `json`)."""
    if fmt == "markdown":
        from runner.plan.render_markdown import render_markdown

        return render_markdown(diff, context)
    if fmt == "json":
        from runner.plan.render_json import render_json

        return render_json(diff, context)
    return render_text(diff, context)
