"""`python -m runner.worker`: the child process that runs one Python job type's `run`.

The executor starts it like any command (own process group, output to the run's file); the
instructions come in `JOBRUNNER_WORKER_SPEC` (type name, its class as `module:qualname`, the
job's settings) and the `JOBRUNNER_*` context variables. Exit codes: 0 success; 1 (or the
code given) for `JobFailed`; 70 for an unexpected exception; 78 when the type cannot be
loaded.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runner.jobtypes.python import WORKER_SPEC_VARIABLE, JobContext, JobFailed, PythonJobType
from runner.state.timefmt import parse_instant

EXIT_SOFTWARE = 70
EXIT_CONFIG = 78


class WorkerSetupError(Exception):
    """The worker's instructions are missing or name a type that cannot be loaded."""


def load_type(spec: Mapping[str, Any]) -> PythonJobType:
    """The job type named in `spec`: imported from its `factory`, else from the registry."""
    factory = spec.get("factory")
    if factory:
        module_name, _, qualname = str(factory).partition(":")
        try:
            target: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                target = getattr(target, part)
        except (ImportError, AttributeError) as exc:
            raise WorkerSetupError(f"cannot load job type {factory}: {exc}") from None
        job_type = target() if isinstance(target, type) else target
    else:
        from runner.jobtypes.registry import default_registry

        job_type = default_registry().get(str(spec.get("type")))
    if not isinstance(job_type, PythonJobType):
        raise WorkerSetupError(f"job type {spec.get('type')!r} is not a Python job type")
    return job_type


def build_context(spec: Mapping[str, Any], environ: Mapping[str, str]) -> JobContext:
    """The `JobContext` from the spec and the JOBRUNNER_* variables; SIGTERM sets `stop`."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    job = environ.get("JOBRUNNER_JOB", "") or str(spec.get("type"))
    logger = logging.getLogger(f"jobrunner.job.{job}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    work_dir = environ.get("JOBRUNNER_WORK_DIR")
    root = spec.get("root")
    return JobContext(
        job=job,
        run_id=environ.get("JOBRUNNER_RUN_ID", ""),
        settings=spec.get("settings") or {},
        logger=logger,
        deadline=parse_instant(environ.get("JOBRUNNER_DEADLINE") or None),
        stop=stop,
        work_dir=Path(work_dir) if work_dir else None,
        definitions_dir=Path(str(root)) if root else None,
    )


def main(environ: Mapping[str, str] = os.environ) -> int:
    """Run the job type's `run` and turn its ending into an exit code."""
    try:
        spec = json.loads(environ[WORKER_SPEC_VARIABLE])
        job_type = load_type(spec)
    except (KeyError, ValueError, WorkerSetupError) as exc:
        detail = f"{WORKER_SPEC_VARIABLE} is not set" if isinstance(exc, KeyError) else exc
        print(f"jobrunner worker: {detail}", file=sys.stderr)
        return EXIT_CONFIG
    context = build_context(spec, environ)
    try:
        job_type.run(context)
    except JobFailed as exc:
        print(f"{context.job}: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - any plugin error becomes a failed run
        traceback.print_exc()
        print(f"{context.job}: job type {job_type.name!r} raised {exc!r}", file=sys.stderr)
        return EXIT_SOFTWARE
    return 0


if __name__ == "__main__":
    sys.exit(main())
