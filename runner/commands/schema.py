"""`jobrunner schema [job|timeperiod|defaults|state|TYPE]`: print a JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys

from runner.errors import UsageError
from runner.options import GlobalOptions

NAME = "schema"
HELP = "print a JSON Schema (job, timeperiod, defaults, state, or a job type's settings)"
BUILT_IN = ("job", "timeperiod", "defaults", "state")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The schema's name; without one, the available names are listed."""
    parser.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="job, timeperiod, defaults, state, or a job type (e.g. command)",
    )


def run(args: argparse.Namespace, options: GlobalOptions) -> int:
    """Print the schema, indented JSON."""
    from runner.definitions.schema import load_schema, schema_path
    from runner.jobtypes import default_registry

    registry = default_registry()
    if args.name is None:
        print("\n".join([*BUILT_IN, *registry.names()]))
        return 0
    if args.name in BUILT_IN:
        try:
            schema = load_schema(args.name)
        except FileNotFoundError:
            raise UsageError(
                f"schema {args.name!r} is not installed ({schema_path(args.name)} is missing); "
                "reinstall jobrunner"
            ) from None
    else:
        job_type = registry.get(args.name)
        if job_type is None:
            known = ", ".join([*BUILT_IN, *registry.names()])
            raise UsageError(f"no schema named {args.name!r}; known: {known}")
        schema = dict(job_type.settings_schema)
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")
    return 0
