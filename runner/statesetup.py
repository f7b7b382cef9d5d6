"""Getting a state store ready for a set of definitions, shared by `run`, `run-job` and the
daemon: close attempts a dead runner left open, carry state over renames, note new jobs, take
a future last attempt (the clock went back) as now, and remember a clean revision.
"""

from __future__ import annotations

from datetime import datetime

from runner.logconfig import get_logger
from runner.session import Loaded
from runner.state import StateStore, recover_unfinished


def recover(store: StateStore, now: datetime) -> None:
    """Close attempts a dead runner left open (killing leftovers) and log each one."""
    log = get_logger("jobrunner")
    for warning in store.warnings:
        log.warning("state", code=warning.code, message=warning.message)
    for recovered in recover_unfinished(store, now):
        log.warning(
            "job.interrupted", job=recovered.job, run_id=recovered.run_id, error=recovered.error
        )


def prepare_state(store: StateStore, loaded: Loaded, now: datetime) -> None:
    """Carry state over renames, note new jobs and a clean revision (buffered writes)."""
    definitions = loaded.definitions
    assert definitions is not None
    for job in definitions.jobs.values():
        if store.job(job.name) is None:
            for old in job.renamed_from:
                if store.rename(old, job.name):
                    break
    store.see_jobs(definitions.jobs.keys(), now)
    stepped = store.clamp_future(now)
    if stepped:
        get_logger("jobrunner").warning(
            "clock.stepped_back",
            jobs=len(stepped),
            note="last attempts lay in the future; taken as now, so no job waits the step",
        )
    revision = loaded.revision
    clean = loaded.is_clean and revision is not None and not revision.dirty
    if clean and revision is not None and store.data.last_clean_revision != revision.commit:
        store.set_last_clean_revision(revision.commit)
