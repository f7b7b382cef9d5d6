"""`.jobrunnerignore`: gitignore syntax, hand-written (no dependency for ~80 lines).

Supported as git documents it: blank lines and `#` comments, `!` negation, a trailing `/` for
directories only, a leading or middle `/` anchoring to the root, `*`, `?`, `[...]`, `**` (leading
`**/`, trailing `/**`, middle `/**/`), and `\\` escapes. As in git, a file below an ignored
directory cannot be re-included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Rule:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


def _translate_class(pattern: str, at: int) -> tuple[str, int]:
    """Translate `[...]` starting at `at`; return the regex and the index after it."""
    end = pattern.find("]", at + 2)
    if end == -1:
        return re.escape("["), at + 1
    body = pattern[at + 1 : end]
    if body.startswith("!"):
        body = "^" + body[1:]
    return "[" + body.replace("\\", "\\\\") + "]", end + 1


def _translate(pattern: str) -> str:
    """The regex body for a gitignore glob (anchoring is added by the caller)."""
    out: list[str] = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if pattern.startswith("**/", at) and (at == 0 or pattern[at - 1] == "/"):
            out.append("(?:.*/)?")
            at += 3
        elif (
            pattern.startswith("**", at) and at + 2 == len(pattern) and pattern[at - 1 : at] == "/"
        ):
            out.append(".*")
            at += 2
        elif char == "*":
            out.append("[^/]*")
            at += 1
        elif char == "?":
            out.append("[^/]")
            at += 1
        elif char == "[":
            text, at = _translate_class(pattern, at)
            out.append(text)
        elif char == "\\" and at + 1 < len(pattern):
            out.append(re.escape(pattern[at + 1]))
            at += 2
        else:
            out.append(re.escape(char))
            at += 1
    return "".join(out)


def _rule(line: str) -> _Rule | None:
    """One rule from one line of the file, or None for blanks and comments."""
    text = line.rstrip("\n\r")
    if not text.endswith("\\ "):
        text = text.rstrip(" ")
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated or text.startswith(("\\!", "\\#")):
        text = text[1:]
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    body = _translate(text.lstrip("/"))
    prefix = "" if anchored else "(?:.*/)?"
    return _Rule(re.compile(prefix + body + r"\Z", re.DOTALL), negated, directory_only)


class IgnoreRules:
    """The rules of one `.jobrunnerignore` at the definitions root."""

    def __init__(self, text: str = "") -> None:
        self._rules = [rule for line in text.splitlines() if (rule := _rule(line)) is not None]

    def _matches(self, path: str, *, is_dir: bool) -> bool:
        ignored = False
        for rule in self._rules:
            if rule.directory_only and not is_dir:
                continue
            if rule.regex.match(path):
                ignored = not rule.negated
        return ignored

    def is_ignored(self, path: str, *, is_dir: bool = False) -> bool:
        """True when the root-relative `/`-separated `path` (or a parent directory) is ignored."""
        if not self._rules:
            return False
        parts = path.split("/")
        for depth in range(1, len(parts)):
            if self._matches("/".join(parts[:depth]), is_dir=True):
                return True
        return self._matches(path, is_dir=is_dir)
