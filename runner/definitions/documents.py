"""Checks of one document on its own: kind, schema, durations, job settings, ranges, zones."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from runner.definitions.findings import DocPath, Finding, did_you_mean, dotted
from runner.definitions.quickcheck import quick_valid
from runner.definitions.schema import KINDS, build_validator, validator
from runner.diagnostics import Diagnostic, Severity
from runner.durations import (
    ACCEPTED_FORMS,
    DurationTooLongError,
    parse_duration,
    suggest_duration,
)
from runner.errors import DurationError
from runner.jobtypes import JobTypeRegistry

_DURATION_KEYS = {"interval", "timeout"}


@dataclass(frozen=True, slots=True)
class Document:
    """A mapping document with a known kind, as written, and whether it has errors."""

    file: str
    index: int
    line: int
    kind: str
    data: Mapping[str, Any]
    has_errors: bool


class DocumentChecker:
    """Collects the findings of the documents of one file."""

    def __init__(self, file: str, registry: JobTypeRegistry) -> None:
        self.file = file
        self.registry = registry
        self.findings: list[Finding] = []
        self.direct: list[Diagnostic] = []
        """Findings whose position is already known (documents that are not mappings)."""

    def add(  # noqa: PLR0917 - the arguments mirror Finding's fields, in order
        self,
        doc: int,
        path: DocPath,
        part: str,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = Severity.ERROR,
        offset: int = 0,
    ) -> None:
        """Record a finding."""
        self.findings.append(
            Finding(self.file, doc, path, part, code, message, hint, severity, offset)  # type: ignore[arg-type]
        )

    def check(self, index: int, line: int, data: Any) -> Document | None:
        """Check document `index`; return it when it is a mapping with a known kind."""
        before = len(self.errors())
        if not isinstance(data, dict):
            what = type(data).__name__ if data is not None else "empty"
            self.direct.append(
                Diagnostic(
                    self.file,
                    line,
                    1,
                    "not-mapping",
                    f"document is a {what}, not a mapping",
                    "a document is a mapping with a `kind`: Job, TimePeriod or Defaults",
                )
            )
            return None
        kind = data.get("kind")
        if kind is None:
            self.add(
                index,
                (),
                "node",
                "missing-kind",
                "document has no `kind`",
                "add `kind: Job`, `kind: TimePeriod` or `kind: Defaults`",
            )
            return None
        if kind not in KINDS:
            hint = did_you_mean(str(kind), KINDS) or "use Job, TimePeriod or Defaults"
            self.add(index, ("kind",), "value", "unknown-kind", f"unknown kind {kind!r}", hint)
            return None
        self._schema(index, data, validator(KINDS[kind]), ())
        if kind == "Job":
            self._job(index, data)
        elif kind == "TimePeriod":
            self._timeperiod(index, data)
        else:
            self._zone(index, data)
            self._hook_durations(index, data)
        has_errors = len(self.errors()) > before
        return Document(self.file, index, line, str(kind), data, has_errors)

    def errors(self) -> list[Finding]:
        """The errors so far."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def _schema(self, index: int, data: Any, checker: Any, prefix: DocPath) -> None:
        if quick_valid(checker.schema, data) is True:
            return  # the common valid document: no need for jsonschema's slower walk
        for error in sorted(checker.iter_errors(data), key=lambda e: list(map(str, e.path))):
            for finding in _schema_findings(error, prefix):
                self.add(index, *finding)

    def _hook_durations(self, index: int, data: Mapping[str, Any]) -> None:
        """The document's durations and those of its hooks (a Job's or the Defaults')."""
        self._durations(index, data)
        for key in ("on_failure", "on_recovery"):
            if isinstance(data.get(key), dict):
                self._durations(index, data[key], (key,))

    def _job(self, index: int, data: Mapping[str, Any]) -> None:
        self._hook_durations(index, data)
        if data.get("once_per_window") is True and "timeperiod" not in data:
            self.add(
                index,
                ("once_per_window",),
                "value",
                "once-per-window",
                "once_per_window needs a `timeperiod`",
                "add `timeperiod: NAME` (e.g. a 03:00-04:00 period for a daily job)",
            )
        type_name = data.get("type")
        if isinstance(type_name, str):
            self._settings(index, type_name, data.get("settings", {}))

    def _settings(self, index: int, type_name: str, settings: Any) -> None:
        job_type = self.registry.get(type_name)
        if job_type is None:
            known = self.registry.names()
            hint = did_you_mean(type_name, known) or f"known types: {', '.join(known)}"
            message = f"unknown job type {type_name!r}"
            broken = self.registry.unavailable(type_name)
            if broken is not None:
                message = f"job type {type_name!r} is not available: {broken}"
                hint = "fix or reinstall the plugin package (`pip show` names it); " + hint
            self.add(index, ("type",), "value", "unknown-type", message, hint)
            return
        if not isinstance(settings, dict):
            return
        before = len(self.findings)
        self._schema(index, settings, _type_validator(job_type), ("settings",))
        if len(self.findings) > before:
            return
        for problem in job_type.check_settings(settings):
            severity = Severity.ERROR if problem.is_error else Severity.WARNING
            self.add(
                index,
                ("settings", *problem.path),
                "value",
                "settings",
                problem.message,
                problem.hint,
                severity=severity,
            )

    def _durations(self, index: int, data: Mapping[str, Any], prefix: DocPath = ()) -> None:
        for key in sorted(_DURATION_KEYS & set(data)):
            try:
                value = parse_duration(data[key])
            except DurationTooLongError as exc:
                self.add(
                    index, (*prefix, key), "value", "duration", str(exc), f"use {ACCEPTED_FORMS}"
                )
                continue
            except DurationError:
                continue  # the schema already reported it with the accepted forms
            if key == "interval" and value.total_seconds() < 1:
                self.add(
                    index,
                    (*prefix, key),
                    "value",
                    "duration",
                    f"interval {data[key]!r} is shorter than 1s",
                    f"use {ACCEPTED_FORMS}",
                )
            elif value.total_seconds() <= 0:
                self.add(
                    index,
                    (*prefix, key),
                    "value",
                    "duration",
                    f"{key} {data[key]!r} is zero",
                    f"use {ACCEPTED_FORMS}",
                )

    def _timeperiod(self, index: int, data: Mapping[str, Any]) -> None:
        self._zone(index, data)
        ranges = data.get("ranges")
        if not isinstance(ranges, dict) or not all(isinstance(v, str) for v in ranges.values()):
            return
        from runner.timeperiods import check_ranges

        for found in check_ranges(ranges):
            severity = Severity.ERROR if found.severity == "error" else Severity.WARNING
            what = (
                f"day key {found.key!r}"
                if found.part == "key"
                else f"time {ranges[found.key]!r} of {found.key!r}"
            )
            self.add(
                index,
                ("ranges", found.key),
                found.part,
                found.code,
                f"ranges: {what}: {found.message}",
                found.hint,
                severity=severity,
                offset=found.offset,
            )

    def _zone(self, index: int, data: Mapping[str, Any]) -> None:
        zone = data.get("timezone")
        if isinstance(zone, str) and not is_known_zone(zone):
            self.add(
                index,
                ("timezone",),
                "value",
                "unknown-timezone",
                f"unknown time zone {zone!r}",
                "use an IANA name such as Europe/Berlin or UTC (timedatectl list-timezones)",
            )


@functools.cache
def is_known_zone(name: str) -> bool:
    """True when `name` is an IANA zone this system knows."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


_TYPE_VALIDATORS: dict[int, tuple[Any, Any]] = {}
"""id(job type) -> (the job type, its settings validator). The job type is kept and compared:
an id alone is reused by a new object once the old one is freed (a registry built again), and
a command job was then checked against another type's schema."""


def _type_validator(job_type: Any) -> Any:
    cached = _TYPE_VALIDATORS.get(id(job_type))
    if cached is None or cached[0] is not job_type:
        if len(_TYPE_VALIDATORS) > 256:  # registries built again and again: start afresh
            _TYPE_VALIDATORS.clear()
        cached = (job_type, build_validator(job_type.settings_schema))
        _TYPE_VALIDATORS[id(job_type)] = cached
    return cached[1]


def _schema_findings(error: Any, prefix: DocPath) -> Iterator[tuple[Any, ...]]:
    """(path, part, code, message, hint) for one jsonschema error."""
    path: DocPath = (*prefix, *error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in allowed:
                where = f" in {dotted(path)}" if path else ""
                hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
                yield (*path, key), "key", "unknown-key", f"unknown key {key!r}{where}", hint
        return
    if path and path[-1] in _DURATION_KEYS and error.validator in ("anyOf", "type", "pattern"):
        yield from _duration_findings(error, path)
        return
    special = _type_mistake(error, path)
    if special is not None:
        yield special
        return
    if error.validator == "required":
        # One error per missing key; the message names it ("'interval' is a required
        # property"), while `validator_value` lists every required key.
        missing = [k for k in error.validator_value if k not in error.instance]
        named = [k for k in missing if error.message.startswith(f"{k!r} ")] or missing
        add_hint: str | None = f"add `{named[0]}:`" if named else None
        described = error.schema.get("properties", {}).get(named[0] if named else "", {})
        if described.get("description"):
            add_hint = f"{add_hint}: {described['description']}"
        yield path, "node", "missing-key", _located(path, error.message), add_hint
        return
    if error.validator == "oneOf" and all("required" in b for b in error.validator_value):
        names = [k for b in error.validator_value for k in b["required"]]
        keys = ", ".join(repr(k) for k in names)
        present = [k for k in names if isinstance(error.instance, dict) and k in error.instance]
        hint = (
            f"keep one of {', '.join(f'`{k}:`' for k in present)} and remove the others"
            if present
            else f"add one of {', '.join(f'`{k}:`' for k in names)}"
        )
        yield path, "node", "schema", _located(path, f"set exactly one of {keys}"), hint
        return
    excluded = error.validator_value if error.validator == "not" else None
    if isinstance(excluded, dict) and set(excluded) == {"required"}:
        # `"not": {"required": [a, b]}`: jsonschema's message prints the whole mapping
        keys = ", ".join(repr(k) for k in excluded["required"])
        hint = f"remove all but one of {', '.join(f'`{k}:`' for k in excluded['required'])}"
        yield path, "node", "schema", _located(path, f"set at most one of {keys}"), hint
        return
    described_as = error.schema.get("description") if isinstance(error.schema, dict) else None
    hint = described_as or _schema_hint(error)
    message = error.message
    wanted = error.validator_value if error.validator == "type" else None
    if wanted == "string" and isinstance(error.instance, bool | int | float | None):
        # YAML read a plain scalar as a boolean, number or null: say so in YAML's words
        literal = _yaml_literal(error.instance)
        kind = "a boolean" if isinstance(error.instance, bool) else "a number"
        kind = "null (nothing)" if error.instance is None else kind
        message = f"{literal} is read as {kind}, not as text"
        hint = f"quote it: '{literal}'" if error.instance is not None else hint
    yield path, "value", "schema", _located(path, message), hint


def _yaml_literal(value: bool | float | None) -> str:
    """How YAML writes a boolean, number or null that it parsed."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


_TYPE_WORDS = {
    "string": "text (quote it if it looks like a number or a boolean)",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list, e.g. [a, b]",
    "object": "a mapping of keys to values",
    "null": "nothing (null)",
}


def _schema_hint(error: Any) -> str:
    """What to write instead, for a schema error whose schema has no description."""
    value, kind, schema = error.validator_value, error.validator, error.schema
    hint = "see `jobrunner schema` for what this key accepts"
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        hint = "write " + " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if low is not None and high is not None:
            hint = f"use a number from {low} to {high}"
        else:
            hint = f"use a number {'of at least' if high is None else 'of at most'} {low or high}"
    elif kind in ("enum", "const"):
        options = value if kind == "enum" else [value]
        hint = "use one of: " + ", ".join(json.dumps(o) for o in options)
    elif kind == "pattern":
        hint = f"write a value that matches {value}"
    elif kind in ("minItems", "maxItems", "minLength", "maxLength"):
        bound = "at least" if kind.startswith("min") else "at most"
        unit = "item(s)" if kind.endswith("Items") else "character(s)"
        hint = f"give {bound} {value} {unit}"
    elif kind == "uniqueItems":
        hint = "remove the repeated items"
    return hint


_YAML11_BOOLEANS = {"yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}
"""Words YAML 1.1 read as booleans; under YAML 1.2 (SPEC §2) they are strings."""


def _type_mistake(error: Any, path: DocPath) -> tuple[Any, ...] | None:
    """A finding with the fix for a wrong type users often write: `disabled: yes` (YAML 1.1's
    boolean) and `argv: "cmd args"` (a command line instead of a list); else None."""
    if _is_yaml11_boolean(error):
        message = _located(
            path, f"{error.instance!r} is text, not a boolean (YAML 1.2 reads only true/false)"
        )
        truth = "true" if _YAML11_BOOLEANS[error.instance.lower()] else "false"
        return path, "value", "schema", message, f"write {truth}"
    if (
        path
        and path[-1] == "argv"
        and error.validator == "type"
        and isinstance(error.instance, str)
    ):
        words = error.instance.split()
        message = _located(path, f"{error.instance!r} is a string; argv is a list")
        hint = f"write argv: {json.dumps(words)} (no shell), or shell: {json.dumps(error.instance)}"
        return path, "value", "schema", message, hint
    return None


def _is_yaml11_boolean(error: Any) -> bool:
    """Whether a schema error is a boolean written as YAML 1.1 did (`yes`, `off`)."""
    return (
        error.validator == "type"
        and error.validator_value == "boolean"
        and isinstance(error.instance, str)
        and error.instance.lower() in _YAML11_BOOLEANS
    )


def _duration_findings(error: Any, path: DocPath) -> Iterator[tuple[Any, ...]]:
    """The finding for a duration the schema refused: not a duration (with a guess at the
    intended one), or below the minimum of 1s."""
    if _is_duration(error.instance):
        if not _checked_by_durations(path):  # else `_durations` says "shorter than 1s"/"zero"
            message = f"{dotted(path)}: {error.instance!r} is shorter than 1s"
            yield path, "value", "duration", message, f"use {ACCEPTED_FORMS}"
        return
    message = f"{path[-1]}: {error.instance!r} is not a duration"
    guess = suggest_duration(error.instance)
    hint = f"did you mean {guess!r}? " if guess else ""
    yield path, "value", "duration", message, f"{hint}use {ACCEPTED_FORMS}"


def _checked_by_durations(path: DocPath) -> bool:
    """Whether `DocumentChecker._durations` reports a too-small value at `path` (the document's
    own keys and its hooks')."""
    return len(path) == 1 or (len(path) == 2 and path[0] in ("on_failure", "on_recovery"))


def _is_duration(value: object) -> bool:
    """Whether `parse_duration` reads `value` (the schema refused it for its size only)."""
    try:
        parse_duration(value)
    except DurationError:
        return False
    return True


def _located(path: DocPath, message: str) -> str:
    return f"{dotted(path)}: {message}" if path else message
