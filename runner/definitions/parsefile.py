"""The per-file stage: decode, parse (C loader), check every document on its own.

It runs in worker processes for big trees, so its inputs and outputs are plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from runner.definitions.documents import Document, DocumentChecker
from runner.definitions.findings import Finding
from runner.definitions.walker import MAX_FILE_BYTES, too_large
from runner.definitions.yamlsource import (
    MAX_DOCUMENTS,
    LimitError,
    count_documents,
    document_start_line,
    load_fast,
)
from runner.diagnostics import Diagnostic, Severity
from runner.jobtypes import JobTypeRegistry

_MARKER = re.compile(r"---(?:[ \t]|$)")


@dataclass
class FileOutcome:
    """What one file contributed: documents, findings (unpositioned) and diagnostics."""

    file: str
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _diag(  # noqa: PLR0917 - mirrors Diagnostic's fields, in order
    file: str,
    line: int | None,
    col: int | None,
    code: str,
    message: str,
    hint: str | None,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    return Diagnostic(file, line, col, code, message, hint, severity)


def decode(file: str, data: bytes) -> str | Diagnostic:
    """The text of a file, or an `encoding` diagnostic at the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return _diag(
            file,
            line,
            column,
            "encoding",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
        )


def _is_content(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#") and not line.startswith("%")


def document_lines(text: str) -> list[int]:
    """1-based line of each document's first content (or marker) line, found by scanning."""
    starts: list[int] = []
    current: int | None = None
    has_content = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _MARKER.match(line):
            if current is not None:
                starts.append(current)
            current, has_content = number, bool(line[3:].strip())
        elif line.startswith("..."):
            if current is not None:
                starts.append(current)
            current, has_content = None, False
        elif not has_content and _is_content(line):
            current, has_content = number, True
    if current is not None:
        starts.append(current)
    return starts


def check_file(file: str, data: bytes, registry: JobTypeRegistry) -> FileOutcome:
    """Everything one file says on its own; never raises for bad input."""
    outcome = FileOutcome(file)
    if len(data) > MAX_FILE_BYTES:
        outcome.diagnostics.append(too_large(file, len(data)))
        return outcome
    text = decode(file, data)
    if isinstance(text, Diagnostic):
        outcome.diagnostics.append(text)
        return outcome
    if count_documents(data) > MAX_DOCUMENTS + 1:
        outcome.diagnostics.append(
            _diag(
                file,
                document_start_line(data, MAX_DOCUMENTS + 1),
                1,
                "too-many-documents",
                f"file holds more than {MAX_DOCUMENTS:,} YAML documents",
                "split it into several files",
            )
        )
        return outcome
    docs = _parse(outcome, text)
    if docs is None:
        return outcome
    if not any(doc is not None for doc in docs):
        outcome.diagnostics.append(
            _diag(
                file,
                None,
                None,
                "empty-file",
                "file has no documents",
                "add a definition or delete the file",
                Severity.WARNING,
            )
        )
        return outcome
    lines = document_lines(text)
    checker = DocumentChecker(file, registry)
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        line = lines[index] if index < len(lines) else 1
        try:
            checked = checker.check(index, line, doc)
        except Exception as exc:  # noqa: BLE001 - a checker bug must be a diagnostic, not a crash
            outcome.diagnostics.append(
                _diag(
                    file,
                    line,
                    1,
                    "internal",
                    f"internal error while checking this document: {type(exc).__name__}: {exc}",
                    "please report this as a jobrunner bug",
                )
            )
            continue
        if checked is not None:
            outcome.documents.append(checked)
    outcome.findings.extend(checker.findings)
    outcome.diagnostics.extend(checker.direct)
    return outcome


def _parse(outcome: FileOutcome, text: str) -> list[Any] | None:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    try:
        return load_fast(text)
    except LimitError as exc:
        if exc.line is not None:
            outcome.diagnostics.append(
                _diag(outcome.file, exc.line, 1, exc.code, str(exc), exc.hint)
            )
            return None
        finding = Finding(outcome.file, exc.doc, exc.path, "value", exc.code, str(exc), exc.hint)
        outcome.findings.append(replace(finding, part="key") if exc.part == "key" else finding)
    except MarkedYAMLError as exc:
        outcome.diagnostics.extend(yaml_error(outcome.file, text, exc))
    except ReaderError as exc:
        outcome.diagnostics.append(_reader_error(outcome.file, text, exc))
    except YAMLError as exc:
        message = f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        hint = "fix the YAML syntax (an unclosed quote or bracket, or a wrong indentation?)"
        outcome.diagnostics.append(_diag(outcome.file, 1, 1, "yaml", message, hint))
    except ValueError as exc:  # int() refuses numbers of more than 4,300 digits
        outcome.diagnostics.append(_unreadable(outcome.file, text, exc))
    except RecursionError:
        outcome.diagnostics.append(
            _diag(
                outcome.file, None, None, "too-deep", "nesting is too deep", "flatten the document"
            )
        )
    return None


def _reader_error(file: str, text: str, exc: Any) -> Diagnostic:
    """A character YAML does not allow (a NUL, an escape sequence pasted from a terminal), at
    its line and column; ruamel.yaml only names an offset into the text."""
    position = exc.position if isinstance(exc.position, int) else -1
    if not 0 <= position <= len(text):
        position = 0
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    char = exc.character
    what = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    message = f"invalid YAML: the control character {what} is not allowed in a YAML file"
    hint = (
        "delete it (editors often do not show it); inside a double-quoted string it may be "
        "written as an escape such as \\x07"
    )
    return _diag(file, line, column, "yaml", message, hint)


_LONG_NUMBER = re.compile(r"[-+]?[0-9_]{4300,}")


def _unreadable(file: str, text: str, exc: ValueError) -> Diagnostic:
    """A value the YAML constructor cannot build (found by fuzzing: a 5,000-digit number)."""
    found = _LONG_NUMBER.search(text)
    if found is None:
        return _diag(file, None, None, "yaml", f"a value cannot be read: {exc}", None)
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - text.rfind("\n", 0, found.start())
    message = f"a number of {len(found.group()):,} digits is too long to read"
    return _diag(file, line, column, "yaml", message, "quote it to keep it as text")


def yaml_error(file: str, text: str, exc: Any) -> list[Diagnostic]:
    """Diagnostics for a YAML syntax or construction error, at the problem's position."""
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(exc, DuplicateKeyError):
        from runner.definitions.duplicates import duplicate_keys

        try:
            found = duplicate_keys(file, text)
        except MarkedYAMLError:  # a later document does not parse (found by fuzzing)
            found = []
        if found:
            return found
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if _is_tab_at(text, exc.problem_mark):
        mark, message = exc.problem_mark, "invalid YAML: a tab character where YAML expects spaces"
        hint = "indent with spaces; YAML does not allow tabs for indentation"
    elif "\t" in problem or "tab" in problem:
        hint = "indent with spaces; YAML does not allow tabs for indentation"
        mark, message = _where(exc, f"invalid YAML: {problem}")
    else:
        hint = _problem_hint(problem)
        mark, message = _where(exc, f"invalid YAML: {problem}")
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return [_diag(file, line, column, "yaml", message, hint)]


def _problem_hint(problem: str) -> str:
    """The fix for a YAML error, by what ruamel.yaml says the problem is."""
    if "undefined alias" in problem:
        return (
            "define the anchor (&name) before its alias (*name), in the same document: "
            "anchors do not carry over a `---`"
        )
    if "constructor for the tag" in problem:
        return (
            "remove the tag: definitions are plain YAML without custom tags; "
            "quote the value if the `!` belongs to the text"
        )
    return "fix the YAML syntax (an unclosed quote or bracket, or a wrong indentation?)"


def _is_tab_at(text: str, mark: Any) -> bool:
    """Whether the parser stopped at a tab (ruamel.yaml then only says "found character that
    cannot start any token", which does not tell a user that the tab is the problem)."""
    if mark is None:
        return False
    row, column = int(mark.line), int(mark.column)
    lines = text.split("\n")
    if not 0 <= row < len(lines):
        return False
    return 0 <= column < len(lines[row]) and lines[row][column] == "\t"


_UNCLOSED = ("while parsing a flow", "while scanning a quoted scalar")


def _where(exc: Any, message: str) -> tuple[Any, str]:
    """The mark to report and the full message: an unclosed quote or bracket is reported
    where it opens (the real mistake), with where the parser noticed it."""
    problem, started = exc.problem_mark, exc.context_mark
    if exc.context and exc.problem and started is not None and problem is not None:
        if str(exc.context).startswith(_UNCLOSED):
            noticed = f"line {problem.line + 1}, column {problem.column + 1}"
            return started, f"{message} ({exc.context}, which is not closed: noticed at {noticed})"
        opened = f"line {started.line + 1}, column {started.column + 1}"
        return problem, f"{message} ({exc.context} that starts at {opened})"
    return problem or started, message
