"""Global options shared by every command (SPEC §4), resolved once from argv and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from runner.state.location import insecure_allowed

DEFAULT_JOBS_DIR = "./jobs.d"


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """What every command may need: where definitions and state live, zone, logging."""

    jobs_dir: Path
    state_file: Path | None
    """`--state-file` as given; `runner.state` resolves the full order (SPEC §5)."""
    timezone: str | None
    log_format: str
    verbose: bool
    allow_insecure_permissions: bool = False
    """Run definitions that others may write (a warning instead of a refusal); also
    `JOBRUNNER_ALLOW_INSECURE_PERMISSIONS=1`. See docs/security.md."""

    @classmethod
    def from_values(
        cls,
        *,
        jobs_dir: str | None,
        state_file: str | None,
        timezone: str | None,
        log_format: str | None,
        verbose: bool,
        allow_insecure_permissions: bool = False,
    ) -> GlobalOptions:
        """Apply the environment defaults (`JOBRUNNER_JOBS_DIR`,
        `JOBRUNNER_ALLOW_INSECURE_PERMISSIONS`) to the parsed values."""
        jobs = jobs_dir or os.environ.get("JOBRUNNER_JOBS_DIR") or DEFAULT_JOBS_DIR
        return cls(
            jobs_dir=Path(jobs),
            state_file=Path(state_file) if state_file else None,
            timezone=timezone,
            log_format=log_format or "auto",
            verbose=verbose,
            allow_insecure_permissions=allow_insecure_permissions or insecure_allowed(os.environ),
        )
