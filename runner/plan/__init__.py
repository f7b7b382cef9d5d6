"""`jobrunner plan`: what a change to the definitions does to the schedule.

`compute_plan` (pure) compares two loaded sets of definitions at `now`; the renderers format
the resulting `PlanDiff` as text, Markdown (a pull-request comment) or JSON; `gitsource`
resolves the base and head revisions and reads their definitions from git objects.
"""

from __future__ import annotations

from runner.plan.diff import compute_plan
from runner.plan.model import PlanDiff

__all__ = ["PlanDiff", "compute_plan"]
