"""Hooks through the real Dispatcher and state store: streaks across interruptions, and
hook output pruned with its run."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from runner.clock import SystemClock
from runner.dispatch import Dispatcher
from runner.executor import Executor, Result
from runner.jobtypes import default_registry
from runner.model import Defaults, Definitions, HookDef, JobDef
from runner.state import StateStore
from runner.stop import StopRequest


def test_streaks_survive_interruptions_and_hook_files_are_pruned(tmp_path: Path) -> None:
    """fail, interrupted, fail, success: one on_failure, one on_recovery; history 1 keeps
    one run's output and hook output."""
    code, calls = tmp_path / "code", tmp_path / "calls"
    code.write_text("1")
    log_hook = HookDef(("sh", "-c", f'echo "$JOBRUNNER_HOOK" >> {calls}; echo hooked'))
    job = JobDef(
        name="flaky",
        type="command",
        interval=timedelta(hours=1),
        settings={"shell": f"exit $(cat {code})"},
    )
    defaults = Defaults(history=1, on_failure=log_hook, on_recovery=log_hook)
    definitions = Definitions(root=tmp_path, jobs={"flaky": job}, defaults=defaults)
    clock, stop = SystemClock(), StopRequest()
    with StateStore.open(tmp_path / "state" / "state.json", clock=clock) as store:
        dispatcher = Dispatcher(
            definitions=definitions,
            registry=default_registry(),
            store=store,
            executor=Executor(clock=clock),
            clock=clock,
            environ={"PATH": "/usr/bin:/bin"},
            stop=stop,
        )
        results = [dispatcher.run(job, None).result]
        stop.request()  # the runner is stopping: the run is interrupted, no hook runs
        results.append(dispatcher.run(job, None).result)
        stop.clear()
        results.append(dispatcher.run(job, None).result)
        code.write_text("0")
        results.append(dispatcher.run(job, None).result)
        runs = sorted(p.name for p in (store.paths.runs / "flaky").iterdir())
    stop.close()
    assert results == [Result.FAILURE, Result.INTERRUPTED, Result.FAILURE, Result.SUCCESS]
    assert calls.read_text().split() == ["on_failure", "on_recovery"]
    assert len(runs) == 2
    assert runs[0].endswith(".hook.txt")
    assert runs[1] == runs[0].replace(".hook.txt", ".log")
