"""The command line: parse → options → the command's `run` → exit code.

Global options work before or after the command (`jobrunner --jobs-dir X lint` and
`jobrunner lint --jobs-dir X` are the same), as SPEC §4 promises.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from runner import __version__
from runner.errors import JobrunnerError
from runner.exitcodes import CheckState, ExitCode
from runner.options import GlobalOptions
from runner.platform import effective_uid, refusal
from runner.state import location


def _command_modules() -> list[ModuleType]:
    """Every sub-command module, in the order `--help` lists them."""
    from runner.commands import (
        check,
        history,
        import_director,
        lint,
        pause,
        period,
        plan,
        resume,
        run,
        run_job,
        schema,
        status,
    )

    return [
        lint,
        run,
        run_job,
        status,
        history,
        pause,
        resume,
        period,
        plan,
        check,
        schema,
        import_director,
    ]


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Global options; on sub-parsers their defaults are suppressed so either place works."""
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("global options")
    group.add_argument(
        "--jobs-dir",
        metavar="DIR",
        default=default,
        help="definitions directory (env JOBRUNNER_JOBS_DIR, default ./jobs.d)",
    )
    group.add_argument(
        "--state-file",
        metavar="FILE",
        default=default,
        help="state file (else JOBRUNNER_STATE_FILE, /etc/jobrunner/jobrunner.env, ...)",
    )
    group.add_argument(
        "--timezone",
        metavar="TZ",
        default=default,
        help="zone for time periods that set none and have no Defaults.timezone",
    )
    group.add_argument(
        "--log-format",
        choices=["auto", "console", "json"],
        default=default,
        help="log format (auto: console on a terminal, JSON lines otherwise)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="log every decision",
    )
    group.add_argument(
        "--allow-insecure-permissions",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="run definitions that other users may change (env "
        "JOBRUNNER_ALLOW_INSECURE_PERMISSIONS=1; see docs/security.md)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="jobrunner",
        description="Run recurring jobs defined as YAML files in a git repository.",
    )
    parser.add_argument("--version", action="version", version=f"jobrunner {__version__}")
    _add_global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _command_modules():
        child = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(child)
        _add_global_options(child, suppress=True)
        child.set_defaults(_module=module)
    return parser


def _normalise_argv(argv: list[str]) -> list[str]:
    """`run forever` is accepted as `run --forever`, as in the runner our users know."""
    if "run" in argv:
        at = argv.index("run")
        if at + 1 < len(argv) and argv[at + 1] == "forever":
            return [*argv[: at + 1], "--forever", *argv[at + 2 :]]
    return argv


_VALUE_OPTIONS = frozenset({"--jobs-dir", "--state-file", "--timezone", "--log-format"})


def _usage_exit(argv: list[str], code: str | int | None) -> str | int | None:
    """argparse's exit code; for a usage error (2) of a command with its own `usage_error()`
    hook, what that returns (`check` prints an UNKNOWN line and exits 3, as plugins do)."""
    if code != ExitCode.USAGE:
        return code
    words = iter(argv)
    for word in words:
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            modules = {m.NAME: m for m in _command_modules()}
            hook = getattr(modules.get(word), "usage_error", None)
            return int(hook()) if hook is not None else code
    return code


def _apply_env_file(allow_flag: bool) -> None:
    """Apply the env files, the user's own first (not for root), then /etc's: the
    environment wins, then the first file that sets a variable. A file that someone other
    than root or this user could have written is named on stderr and ignored (the allow
    option or variable uses it anyway)."""
    allowed = allow_flag or location.insecure_allowed(os.environ)
    user_file = location.user_env_file(os.environ, effective_uid())
    for path in (user_file, location.ENV_FILE):
        if path is None:
            continue
        problem = location.env_file_problem(path)
        if problem is not None and not allowed:
            print(location.env_file_refusal(problem, path), file=sys.stderr)
            continue
        location.apply_env_file(os.environ, path, allow_insecure=True)


def _refuse(command: str, why: str) -> int:
    """A command this platform cannot run: one line; `check` answers as a plugin (UNKNOWN)."""
    if command == "check":
        print(f"JOBRUNNER UNKNOWN - {why}")
        return int(CheckState.UNKNOWN)
    print(f"jobrunner: {why}", file=sys.stderr)
    return int(ExitCode.USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `jobrunner` console script; returns the exit code."""
    words = _normalise_argv(list(sys.argv[1:] if argv is None else argv))
    try:
        args = build_parser().parse_args(words)
    except SystemExit as exc:
        raise SystemExit(_usage_exit(words, exc.code)) from None
    refused = refusal(args._module.NAME)
    if refused is not None:  # a Windows or macOS CI runner: one line, not a traceback
        return _refuse(args._module.NAME, refused)
    # Every command reads /etc/jobrunner/jobrunner.env (SPEC §5); the environment wins.
    _apply_env_file(bool(args.allow_insecure_permissions))
    options = GlobalOptions.from_values(
        jobs_dir=args.jobs_dir,
        state_file=args.state_file,
        timezone=args.timezone,
        log_format=args.log_format,
        verbose=args.verbose,
        allow_insecure_permissions=args.allow_insecure_permissions,
    )
    module: ModuleType = args._module
    try:
        code = int(module.run(args, options))
        sys.stdout.flush()  # here, so that a reader gone away is a BrokenPipeError we catch
    except JobrunnerError as exc:
        print(f"jobrunner: error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except PermissionError as exc:  # the state of a runner this user may not read or write
        print(f"jobrunner: error: {permission_message(exc, options)}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # a reader that stopped early (`jobrunner schema | head`)
        _silence_stdout()
        return BROKEN_PIPE
    return code


def permission_message(exc: PermissionError, options: GlobalOptions) -> str:
    """What could not be accessed, and who may: for the runner's state, its user, or its
    group to read it."""
    from runner.state import resolve_state_path

    path = Path(str(exc.filename)) if exc.filename else None
    state_dir = resolve_state_path(options.state_file, os.environ)[0].parent
    if path is None or not path.is_relative_to(state_dir):
        what = path or "a file jobrunner needs"
        return f"permission denied: {what}; run this as a user who may access it"
    import grp

    group = "the runner's group"
    for parent in path.parents:
        try:
            gid = parent.stat().st_gid
        except OSError:
            continue
        try:
            group = f"its group {grp.getgrgid(gid).gr_name!r}"
        except KeyError:
            group = f"its group (gid {gid})"
        break
    return (
        f"permission denied: {path}; run this as the runner's user, or, to read its state "
        f"(status, history, check), as a member of {group} (the state directory is 0750, its "
        "files 0640); pause and resume need the runner's user; your own state goes with "
        "--state-file"
    )


BROKEN_PIPE = 141
"""Exit code when stdout's reader went away, as a shell reports a process killed by SIGPIPE."""


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit does not fail once more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        pass
