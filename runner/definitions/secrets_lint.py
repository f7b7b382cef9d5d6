"""Lint: things in definitions that look like literal secrets (`literal-secret`, a warning).

Definitions live in git, so a token written into them is shared with everyone who can read the
repository, forever. Secrets belong in the runner's environment (`${NAME}`) or in a file only
the runner reads (`${file:PATH}`), resolved when the job starts and never shown.

Looked at: every string value below a Job's `settings`, `on_failure` and `on_recovery`, and a
Defaults' hooks. Reported, each at its file:line:column (the column of the match inside the
value): private key blocks, well-known token formats (AWS access key ids, GitHub, GitLab,
Slack, Stripe and Google API keys, JWTs), credentials in URLs, `password=...`-style
assignments and `--password VALUE` pairs with a literal value, literal values of `env` keys
named like secrets (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`, ...), `Bearer` / `Basic`
credentials, and long random-looking strings. A value that is a reference (`${...}`, `$VAR`,
`$(...)`) or a placeholder (`***`, `xxx`, `<token>`, `changeme`) is never reported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runner.definitions.documents import Document
from runner.definitions.findings import DocPath, Finding
from runner.diagnostics import Severity

CODE = "literal-secret"
HINT = (
    "move the value out of the definitions: put it in the runner's environment and write "
    "${NAME}, or in a file only the runner can read and write ${file:PATH} (env values); "
    "rotate it if it was ever committed"
)
_SECTIONS = {
    "Job": ("settings", "on_failure", "on_recovery"),
    "Defaults": ("on_failure", "on_recovery"),
}

_TOKEN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("a JSON Web Token", re.compile(r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}")),
)
_KEY = (
    r"(?:[A-Za-z0-9]+[_-])*"
    r"(?:[A-Za-z]*pass(?:word|wd|phrase)|pwd|secret|token|api[_-]?key|access[_-]?key|auth)"
    r"(?:[_-][A-Za-z0-9]+)*"
)
"""A name whose words (split at `_` / `-`) include a credential word: `db_password`,
`x-auth-token`, `PGPASSWORD`; not `oauth_provider`, `author` or `tokenizer`."""
_ASSIGNMENT = re.compile(
    rf"(?i)(?<![A-Za-z0-9])(?P<key>{_KEY})\s*[=:]\s*['\"]?(?P<value>[^\s&;,'\"]+)"
)
_FLAG_KEY = (
    r"(?:[A-Za-z0-9]+[_-])*"
    r"(?:[A-Za-z]*pass(?:word|wd|phrase)|pwd|secret|token|api[_-]?key|access[_-]?key|auth)"
)
"""A flag whose last word is a credential word: `--password`, `--api-token`; not
`--auth-method` or `--token-ttl`, which take no secret."""
_FLAG_VALUE = re.compile(
    rf"(?i)(?<![\w-])--?(?P<key>{_FLAG_KEY})[ \t]+['\"]?(?P<value>[^\s&;,'\"|<>-][^\s&;,'\"|<>]*)"
)
"""`mysql --password hunter2` in a command line (`shell:`): the word after a secret flag."""
_URL_CREDENTIALS = re.compile(r"://[^/\s:@]+:(?P<value>[^/\s@]+)@")
_AUTH_HEADER = re.compile(r"(?i)\b(?:bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/=-]{12,})")
_SECRET_FLAG = re.compile(rf"(?i)^--?{_KEY}$")
_SECRET_NAME = re.compile(rf"(?i)^{_KEY}$|(?i:private[_-]?key)")
_NOT_SECRET_KEY = re.compile(r"(?i)(?:_FILE|_PATH|_DIR|_URL|_URI|_HOST|_USER|_USERNAME|_NAME|_ID)$")
_CANDIDATE = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
_PLACEHOLDER = re.compile(
    r"(?i)^(?:\*+|x+|\.+|-+|<[^>]*>|\{\{.*\}\}|%\(.*\)s?|changeme|redacted|secret|password|"
    r"token|none|null|true|false|example\w*|dummy\w*|test\w*)$"
)
MIN_ENTROPY = 4.0
"""Bits per character from which a long mixed-case alphanumeric string counts as random."""


@dataclass(frozen=True, slots=True)
class Match:
    """One suspicious piece of a string: what it looks like and where it starts."""

    what: str
    offset: int


def is_reference(value: str) -> bool:
    """True for a value that names a secret instead of containing it: a reference, a
    placeholder, a path, a number or something too short to be a credential."""
    return (
        value.startswith(("$", "/", "./", "../", "~/"))
        or bool(_PLACEHOLDER.match(value))
        or value.isdigit()
        or len(value) < 4
    )


def _is_secret_name(name: str) -> bool:
    normal = name.strip("-_").replace("-", "_")
    return bool(_SECRET_NAME.search(normal)) and not _NOT_SECRET_KEY.search(normal)


def entropy(text: str) -> float:
    """Shannon entropy of `text` in bits per character."""
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _is_random(token: str) -> bool:
    classes = sum(
        (
            any(c.islower() for c in token),
            any(c.isupper() for c in token),
            any(c.isdigit() for c in token),
        )
    )
    return classes == 3 and "/" not in token.strip("/") and entropy(token) >= MIN_ENTROPY


def scan_text(text: str) -> Match | None:
    """The first thing in `text` that looks like a literal secret, or None."""
    for what, pattern in _TOKEN_FORMATS:
        if found := pattern.search(text):
            return Match(what, found.start())
    for what, pattern in (
        ("a password or token assignment", _ASSIGNMENT),
        ("a literal value after a password or token option", _FLAG_VALUE),
        ("credentials in a URL", _URL_CREDENTIALS),
        ("an Authorization credential", _AUTH_HEADER),
    ):
        for found in pattern.finditer(text):
            key = found.groupdict().get("key")
            if key is not None and _NOT_SECRET_KEY.search(key.replace("-", "_")):
                continue
            value = found.group("value")
            # `$X` inside it: built from a reference; `NAME:`: a header name, not its value
            if not (is_reference(value) or "$" in value or value.endswith(":")):
                return Match(what, found.start("value"))
    for found in _CANDIDATE.finditer(text):
        if _is_random(found.group()):
            return Match("a long random-looking string", found.start())
    return None


def _strings(node: Any, path: DocPath) -> Iterator[tuple[DocPath, Any]]:
    yield path, node
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, Sequence) and not isinstance(node, str):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))


def _judge(path: DocPath, node: Any) -> Match | None:
    if not isinstance(node, str):
        return None
    found = scan_text(node)
    if found is None and _is_secret_env(path) and "${" not in node and not is_reference(node):
        found = Match(f"a literal value for {path[-1]}", 0)
    return found


def _is_secret_env(path: DocPath) -> bool:
    """An `env` (or `headers`) entry whose name says it holds a secret."""
    if len(path) < 2 or path[-2] not in {"env", "headers"} or not isinstance(path[-1], str):
        return False
    return _is_secret_name(path[-1])


def _flag_pairs(path: DocPath, node: Any) -> Iterator[tuple[DocPath, Match]]:
    """`[..., "--password", "hunter2", ...]`: the element after a secret flag."""
    if not isinstance(node, Sequence) or isinstance(node, str):
        return
    for index in range(len(node) - 1):
        flag, value = node[index], node[index + 1]
        if _is_flag_pair(flag, value):
            yield (*path, index + 1), Match(f"a literal value for {flag}", 0)


def _is_flag_pair(flag: Any, value: Any) -> bool:
    if not (isinstance(flag, str) and isinstance(value, str) and _SECRET_FLAG.match(flag)):
        return False
    return _is_secret_name(flag) and not value.startswith("-") and not is_reference(value)


def literal_secrets(docs: Sequence[Document]) -> list[Finding]:
    """A warning for each string of `docs` that looks like a literal secret."""
    findings: list[Finding] = []
    for doc in docs:
        for section in _SECTIONS.get(doc.kind, ()):
            if section not in doc.data:
                continue
            for path, node in _strings(doc.data[section], (section,)):
                for where, found in _matches(path, node):
                    findings.append(_finding(doc, where, found))
    return findings


def _matches(path: DocPath, node: Any) -> Iterator[tuple[DocPath, Match]]:
    found = _judge(path, node)
    if found is not None:
        yield path, found
    yield from _flag_pairs(path, node)


def _finding(doc: Document, path: DocPath, found: Match) -> Finding:
    return Finding(
        doc.file,
        doc.index,
        path,
        "value",
        CODE,
        f"this looks like {found.what} written into the definitions",
        HINT,
        Severity.WARNING,
        found.offset,
    )
