"""Checks across documents and files: unique names, references, cycles, one Defaults."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from runner.definitions.documents import Document
from runner.definitions.findings import Finding, did_you_mean


def _error(
    doc: Document, path: tuple[str | int, ...], code: str, message: str, hint: str | None = None
) -> Finding:
    return Finding(doc.file, doc.index, path, "value", code, message, hint)


def index_by_name(docs: Sequence[Document], kind: str) -> Iterator[Finding]:
    """Duplicate names among documents of `kind`, each naming the other places."""
    seen: dict[str, list[Document]] = {}
    for doc in docs:
        name = doc.data.get("name")
        if doc.kind == kind and isinstance(name, str):
            seen.setdefault(name, []).append(doc)
    what = "job" if kind == "Job" else "time period"
    for name, places in seen.items():
        if len(places) < 2:
            continue
        for doc in places:
            others = ", ".join(f"{o.file}:{o.line}" for o in places if o is not doc)
            yield _error(
                doc,
                ("name",),
                "duplicate-name",
                f"{what} {name!r} is defined more than once (also at {others})",
                f"rename one of them; {what} names are unique in the tree",
            )


def more_than_one_defaults(docs: Sequence[Document]) -> Iterator[Finding]:
    """Every Defaults document after the first is an error."""
    defaults = [doc for doc in docs if doc.kind == "Defaults"]
    for doc in defaults[1:]:
        first = defaults[0]
        yield Finding(
            doc.file,
            doc.index,
            ("kind",),
            "value",
            "duplicate-defaults",
            f"more than one Defaults document (the first is at {first.file}:{first.line})",
            "merge them into one",
        )


def unknown_references(
    docs: Sequence[Document], periods: Mapping[str, Document]
) -> Iterator[Finding]:
    """Jobs naming unknown periods; includes/excludes naming unknown periods."""
    for doc in docs:
        if doc.kind == "Job" and isinstance(doc.data.get("timeperiod"), str):
            name = doc.data["timeperiod"]
            if name not in periods:
                yield _error(
                    doc,
                    ("timeperiod",),
                    "unknown-timeperiod",
                    f"job {doc.data.get('name')!r} names time period {name!r}, "
                    "which is not defined",
                    _hint(name, periods),
                )
        if doc.kind != "TimePeriod":
            continue
        for key in ("includes", "excludes"):
            for at, name in enumerate(_names(doc, key)):
                if name not in periods:
                    yield _error(
                        doc,
                        (key, at),
                        "unknown-timeperiod",
                        f"{key} names time period {name!r}, which is not defined",
                        _hint(name, periods),
                    )


def _hint(name: str, periods: Mapping[str, Document]) -> str:
    if not periods:
        return (
            "no time periods are defined in this tree; add a `kind: TimePeriod` document "
            f"named {name!r} (docs/timeperiods.md), or remove the reference"
        )
    return did_you_mean(name, periods) or f"define it or use one of: {', '.join(sorted(periods))}"


def _names(doc: Document, key: str) -> list[str]:
    value = doc.data.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def edges(doc: Document) -> list[str]:
    """The periods `doc` refers to (includes, then excludes)."""
    return _names(doc, "includes") + _names(doc, "excludes")


def cycles(periods: Mapping[str, Document]) -> Iterator[Finding]:
    """Each cycle in includes/excludes once, reported at the reference that closes it."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> Iterator[Finding]:
        state[name] = 1
        stack.append(name)
        doc = periods[name]
        for target in edges(doc):
            if target not in periods:
                continue
            if state.get(target) == 1:
                loop = [*stack[stack.index(target) :], target]
                yield _cycle_finding(doc, target, loop)
            elif target not in state:
                yield from visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(periods):
        if name not in state:
            yield from visit(name)


def _cycle_finding(doc: Document, target: str, loop: list[str]) -> Finding:
    key = "includes" if target in _names(doc, "includes") else "excludes"
    at = _names(doc, key).index(target)
    return _error(
        doc,
        (key, at),
        "timeperiod-cycle",
        f"time periods refer to each other in a cycle: {' -> '.join(loop)}",
        "remove one of the includes/excludes in the cycle",
    )
