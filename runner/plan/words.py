"""Field-by-field differences of two versions of a job, in words (`interval 15m -> 5m`).

Values of `settings.env` are never shown, only which variables were added, changed or
removed: an environment may carry secrets, and `plan` output is posted on pull requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from runner.durations import format_duration
from runner.model import HookDef, JobDef
from runner.plan.model import FieldChange

MAX_VALUE = 80
"""Longer values are cut (with `…`) so that a table cell stays readable."""


def show(value: Any) -> str:
    """A settings value as compact JSON, cut to MAX_VALUE characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _interval(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    if old.interval != new.interval:
        a, b = format_duration(old.interval), format_duration(new.interval)
        yield FieldChange("interval", a, b, f"interval {a} -> {b}")


def _timeperiod(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    a, b = old.timeperiod, new.timeperiod
    if a == b:
        return
    if b is None:
        text = f"no longer limited to {a}: runs at any time"
    elif a is None:
        text = f"now runs only in {b}"
    else:
        text = f"now runs only in {b} (was {a})"
    yield FieldChange("timeperiod", a, b, text)


def _once_per_window(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    if old.once_per_window != new.once_per_window:
        if new.once_per_window:
            text = f"now runs once per window of {new.timeperiod}"
        else:
            text = f"no longer once per window: runs every {format_duration(new.interval)}"
        yield FieldChange(
            "once_per_window",
            str(old.once_per_window).lower(),
            str(new.once_per_window).lower(),
            text,
        )


def _disabled(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    if old.disabled != new.disabled:
        text = "disabled: no longer runs" if new.disabled else "enabled again"
        yield FieldChange("disabled", str(old.disabled).lower(), str(new.disabled).lower(), text)


def _timeout(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    if old.timeout != new.timeout:
        a = format_duration(old.timeout) if old.timeout else None
        b = format_duration(new.timeout) if new.timeout else None
        yield FieldChange("timeout", a, b, f"timeout {a or 'default'} -> {b or 'default'}")


def _simple(name: str) -> Callable[[JobDef, JobDef], Iterator[FieldChange]]:
    def compare(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            text = f"{name} {a} -> {b}" if name == "type" else f"{name} changed"
            yield FieldChange(name, a, b, text)

    return compare


def _hook_text(hook: HookDef | None) -> str | None:
    if hook is None:
        return None
    return " ".join(hook.argv) + f" (timeout {format_duration(hook.timeout)})"


def _hooks(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    for name in ("on_failure", "on_recovery"):
        a, b = _hook_text(getattr(old, name)), _hook_text(getattr(new, name))
        if a != b:
            text = f"{name} removed" if b is None else f"{name} runs {b}"
            yield FieldChange(name, a, b, text)


def _file(old: JobDef, new: JobDef) -> Iterator[FieldChange]:
    a = old.source.file if old.source else None
    b = new.source.file if new.source else None
    if a != b and a is not None and b is not None:
        yield FieldChange("file", a, b, f"moved from {a} to {b}")


def _env(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[FieldChange]:
    for var in sorted(set(old) | set(new)):
        if var not in new:
            yield FieldChange(f"settings.env.{var}", None, None, f"env {var} removed")
        elif var not in old:
            yield FieldChange(f"settings.env.{var}", None, None, f"env {var} added")
        elif old[var] != new[var]:
            yield FieldChange(f"settings.env.{var}", None, None, f"env {var} changed")


def settings_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[FieldChange]:
    """The differences of two job-type settings mappings, key by key."""
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "env" and isinstance(a or {}, dict) and isinstance(b or {}, dict):
            yield from _env(a or {}, b or {})
        elif key not in new:
            yield FieldChange(f"settings.{key}", show(a), None, f"{key} removed (was {show(a)})")
        elif key not in old:
            yield FieldChange(f"settings.{key}", None, show(b), f"{key} set to {show(b)}")
        else:
            yield FieldChange(f"settings.{key}", show(a), show(b), f"{key} {show(a)} -> {show(b)}")


_COMPARATORS = (
    _disabled,
    _interval,
    _timeperiod,
    _once_per_window,
    _timeout,
    _simple("type"),
    _hooks,
    _simple("description"),
    _file,
)


def job_changes(old: JobDef, new: JobDef) -> tuple[FieldChange, ...]:
    """Every difference between two versions of a job (names aside), most telling first."""
    found = [change for compare in _COMPARATORS for change in compare(old, new)]
    found.extend(settings_changes(old.settings, new.settings))
    return tuple(found)


def schedule(job: JobDef) -> str:
    """How often and when a job runs, in words: `every 15m in business-hours`."""
    if job.disabled:
        return "disabled"
    if job.once_per_window and job.timeperiod:
        return f"once per window of {job.timeperiod}"
    text = f"every {format_duration(job.interval)}"
    return f"{text} in {job.timeperiod}" if job.timeperiod else text


def identity(job: JobDef) -> str:
    """What must be equal for a job under a new name to count as renamed without
    `renamed_from`: everything that decides what runs and when (not name, description, file)."""
    return json.dumps(
        [
            job.type,
            job.interval.total_seconds(),
            job.timeperiod,
            job.once_per_window,
            job.disabled,
            None if job.timeout is None else job.timeout.total_seconds(),
            job.settings,
            _hook_text(job.on_failure),
            _hook_text(job.on_recovery),
        ],
        sort_keys=True,
        default=str,
    )
