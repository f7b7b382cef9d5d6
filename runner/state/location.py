"""Where the state lives (SPEC §5), the same answer for every command, and the env file.

Order: `--state-file`, else `JOBRUNNER_STATE_FILE`, else the variables in
`/etc/jobrunner/jobrunner.env`, else `$STATE_DIRECTORY/state.json`, else
`/var/lib/jobrunner/state.json` when running as root, else
`$XDG_STATE_HOME/jobrunner/state.json` (default `~/.local/state/jobrunner/state.json`).
"""

from __future__ import annotations

import stat
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from runner.platform import effective_uid, has_accounts

ENV_FILE = Path("/etc/jobrunner/jobrunner.env")
ROOT_STATE = Path("/var/lib/jobrunner/state.json")
STATE_VARIABLE = "JOBRUNNER_STATE_FILE"


def user_env_file(environ: Mapping[str, str], euid: int | None) -> Path | None:
    """`$XDG_CONFIG_HOME/jobrunner/jobrunner.env` (default `~/.config/...`) for a user other
    than root: the file the user unit (`contrib/systemd/jobrunner-user.service`) reads, so
    the user's own shell finds the same definitions and state. None for root or without a
    home directory."""
    if euid in (None, 0):
        return None
    config = environ.get("XDG_CONFIG_HOME", "")
    if config and Path(config).is_absolute():
        return Path(config) / "jobrunner" / "jobrunner.env"
    home = environ.get("HOME", "")
    if not home or not Path(home).is_absolute():
        return None
    return Path(home) / ".config" / "jobrunner" / "jobrunner.env"


def env_file_problem(path: Path = ENV_FILE, euid: int | None = None) -> str | None:
    """Why the env file may not be trusted, or None: it or its directory is owned by a user
    who is neither root nor this process's user, or is world-writable (a directory with the
    sticky bit excepted). Whoever can write it sets variables for every command on the host
    (`JOBRUNNER_JOBS_DIR`, `LD_PRELOAD` for every job), as with an unsafe crontab. Where
    files have no POSIX owners (Windows) there is nothing to judge: the file is not read."""
    user = effective_uid() if euid is None else euid
    if user is None:
        return None
    for target in (path, path.parent):
        try:
            info = target.stat()
        except OSError:
            return None  # a missing or unreadable file is read as empty anyway
        if info.st_uid not in (0, user):
            return f"{target} is owned by {_user_name(info.st_uid)}, neither root nor you"
        sticky_dir = target.is_dir() and info.st_mode & stat.S_ISVTX
        if info.st_mode & stat.S_IWOTH and not sticky_dir:
            return f"{target} is writable by every user"
    return None


def _user_name(uid: int) -> str:
    """`name (uid N)`, or `uid N` for an unknown user."""
    import pwd

    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def env_file_refusal(problem: str, path: Path = ENV_FILE) -> str:
    """The one-line message for an env file that is not used, with the fix."""
    owner = "root:root" if path == ENV_FILE else "$USER"
    return (
        f"jobrunner: ignoring {path}: {problem}; its variables could change what every "
        f"command runs. Fix: chown {owner} {path} {path.parent} && chmod 644 {path} && "
        f"chmod 755 {path.parent} (or pass --allow-insecure-permissions / set "
        "JOBRUNNER_ALLOW_INSECURE_PERMISSIONS=1 in the environment to use it anyway)"
    )


def read_env_file(path: Path = ENV_FILE, *, allow_insecure: bool = False) -> dict[str, str]:
    """`KEY=VALUE` lines of a systemd `EnvironmentFile=`; missing or unreadable gives {}, and
    so does a file that `env_file_problem` finds unsafe, unless `allow_insecure`.

    Blank lines and lines starting with `#` or `;` are skipped, `export ` is allowed, and a
    value in matching single or double quotes loses them. Where files have no POSIX owners
    (Windows) it is not read: it belongs to a Linux service, and its owner cannot be judged.
    """
    if not has_accounts():
        return {}
    if not allow_insecure and env_file_problem(path) is not None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key:
            values[key] = value
    return values


def apply_env_file(
    environ: MutableMapping[str, str], path: Path = ENV_FILE, *, allow_insecure: bool = False
) -> dict[str, str]:
    """Set the env file's variables that `environ` lacks (the environment wins); returns
    what was set. An unsafe file (`env_file_problem`) sets nothing unless `allow_insecure`.
    Every command calls this once, before `resolve_state_path`."""
    found = read_env_file(path, allow_insecure=allow_insecure)
    applied = {k: v for k, v in found.items() if k not in environ}
    environ.update(applied)
    return applied


def resolve_state_path(
    cli_value: Path | None,
    environ: Mapping[str, str],
    *,
    env_file: Path = ENV_FILE,
    euid: int | None = None,
) -> tuple[Path, str]:
    """The state file and, in words, where that choice came from (for `status`)."""
    if cli_value is not None:
        return Path(cli_value), "--state-file"
    if environ.get(STATE_VARIABLE):
        return Path(environ[STATE_VARIABLE]), f"{STATE_VARIABLE} in the environment"
    from_file = read_env_file(env_file, allow_insecure=insecure_allowed(environ))
    if from_file.get(STATE_VARIABLE):
        return Path(from_file[STATE_VARIABLE]), f"{STATE_VARIABLE} in {env_file}"
    state_directory = environ.get("STATE_DIRECTORY") or from_file.get("STATE_DIRECTORY")
    if state_directory:
        first = state_directory.split(":")[0]
        return Path(first) / "state.json", "$STATE_DIRECTORY (systemd StateDirectory=)"
    return _default_path(environ, effective_uid() if euid is None else euid)


def insecure_allowed(environ: Mapping[str, str]) -> bool:
    """Whether `JOBRUNNER_ALLOW_INSECURE_PERMISSIONS` in `environ` says yes (`1`, `true`,
    `yes`): the variable of `--allow-insecure-permissions`."""
    value = environ.get("JOBRUNNER_ALLOW_INSECURE_PERMISSIONS", "").strip().lower()
    return value in ("1", "true", "yes")


def _default_path(environ: Mapping[str, str], euid: int | None) -> tuple[Path, str]:
    """The default when nothing names the state: root's, else the XDG state directory."""
    if euid == 0:
        return ROOT_STATE, "the default for root"
    xdg = environ.get("XDG_STATE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "jobrunner" / "state.json", "$XDG_STATE_HOME"
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    return home / ".local" / "state" / "jobrunner" / "state.json", "the default for a user"


def directory_problem(path: Path, origin: str) -> str | None:
    """What is wrong when the state file names a directory (a common slip: `--state-file
    /var/lib/jobrunner`), with the fix; None when it does not, or when its directory cannot
    be searched (the reader then says what it cannot read and how to get access)."""
    try:
        if not path.is_dir():
            return None
    except OSError:  # EACCES: a user outside the runner's group (Path.is_dir raises it)
        return None
    return (
        f"the state file {path} (from {origin}) is a directory; name a file in it, "
        f"e.g. --state-file {path / 'state.json'}"
    )
