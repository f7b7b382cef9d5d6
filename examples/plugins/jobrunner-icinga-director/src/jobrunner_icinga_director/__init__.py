"""jobrunner-icinga-director: a `director` job type that runs Icinga Director's tasks.

Registered through the `jobrunner.job_types` entry point (see pyproject.toml). A job:

    kind: Job
    name: cmdb-import
    type: director
    interval: 15m
    timeout: 10m
    settings:
      action: import
      source: CMDB hosts

The type runs in jobrunner's worker child (`runner.worker`), so the job's timeout and a stop
request end it like any command: the runner signals the whole process group, icingacli
included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobrunner_icinga_director import settings as rules
from jobrunner_icinga_director.icingacli import CliResult, Runner, failure_in, parse_list, run_cli
from runner.jobtypes.base import SettingsProblem
from runner.jobtypes.python import JobContext, JobFailed, PythonJobType

__all__ = ["DirectorType"]
__version__ = "0.1.0"


class DirectorType(PythonJobType):
    """`type: director`: import, sync, deploy or housekeeping through `icingacli director`."""

    name = "director"
    settings_schema: Mapping[str, Any] = rules.SETTINGS_SCHEMA

    def __init__(self, runner: Runner = run_cli) -> None:
        self._run = runner

    def check_settings(self, settings: Mapping[str, Any]) -> list[SettingsProblem]:
        """Settings of another action, and import/sync without exactly one target."""
        return rules.check_settings(settings)

    def run(self, ctx: JobContext) -> None:
        """Run the task's command lines in order; the first failure fails the job."""
        for argv in self._command_lines(ctx):
            self._stop_if_asked(ctx, argv)
            ctx.logger.info("running %s", " ".join(argv))
            self._check(ctx, self._run(argv))

    def _command_lines(self, ctx: JobContext) -> list[list[str]]:
        """Every command line of the task, with names resolved to ids."""
        settings = ctx.settings
        cli = [str(settings.get("icingacli") or "icingacli"), "director"]
        simple = rules.simple_command(settings)
        if simple is not None:
            return [cli + simple]
        return [cli + rules.object_command(settings, i) for i in self._object_ids(ctx, cli)]

    def _object_ids(self, ctx: JobContext, cli: list[str]) -> list[int]:
        """The import source / sync rule ids the job is about."""
        settings = ctx.settings
        number_key = "source_id" if settings["action"] == "import" else "rule_id"
        if number_key in settings:
            return [int(settings[number_key])]
        listing = self._run(cli + rules.list_command(str(settings["action"])))
        self._check(ctx, listing)
        known = parse_list(listing.lines)
        if settings.get("all"):
            return sorted(known.values())
        name = str(settings["source" if settings["action"] == "import" else "rule"])
        if name not in known:
            kind = "import source" if settings["action"] == "import" else "sync rule"
            raise JobFailed(
                f"{kind} {name!r} does not exist in Director; known: "
                f"{', '.join(sorted(known)) or 'none'} (`{' '.join(listing.argv)}`)"
            )
        return [known[name]]

    @staticmethod
    def _check(ctx: JobContext, result: CliResult) -> None:
        """Raise `JobFailed` when the call failed or the runner asked us to stop meanwhile."""
        DirectorType._stop_if_asked(ctx, list(result.argv))
        problem = failure_in(result)
        if problem is not None:
            raise JobFailed(problem)

    @staticmethod
    def _stop_if_asked(ctx: JobContext, argv: list[str]) -> None:
        if ctx.stop_requested:
            raise JobFailed(f"stopped by the runner (timeout or shutdown) at {' '.join(argv)}")
