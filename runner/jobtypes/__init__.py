"""Job types: built-ins registered in code, third-party types from the `jobrunner.job_types`
entry-point group. A plugin that fails to load becomes a diagnostic, never a crash.
"""

from __future__ import annotations

from runner.jobtypes.base import (
    JobType,
    LaunchContext,
    LaunchError,
    LaunchSpec,
    SettingsProblem,
)
from runner.jobtypes.registry import ENTRY_POINT_GROUP, JobTypeRegistry, default_registry

__all__ = [
    "ENTRY_POINT_GROUP",
    "JobType",
    "JobTypeRegistry",
    "LaunchContext",
    "LaunchError",
    "LaunchSpec",
    "SettingsProblem",
    "default_registry",
]
