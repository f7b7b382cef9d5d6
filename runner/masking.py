"""Masking secret values in text the runner shows (SPEC §2: resolved values never appear).

Two things make plain `str.replace` leak. A multi-line value (a private key read with
`${file:...}`) is printed line by line, and an excerpt may hold only some of its lines: so each
line of 8 or more characters is a secret of its own (`fragments`). And text that was cut (the
last bytes of the output, a line shortened to 200 characters) may start with the end of a
secret or end with its beginning: `mask_text` masks such a piece of 4 or more characters at a
cut edge.
"""

from __future__ import annotations

from collections.abc import Iterable

MASK = "***"
MIN_FRAGMENT = 8
"""Lines of a multi-line secret at least this long are masked on their own."""
MIN_EDGE = 4
"""Pieces of a secret at least this long are masked where the text was cut."""


def fragments(values: Iterable[str]) -> frozenset[str]:
    """`values` (empty ones dropped) plus the long enough lines of multi-line values."""
    out: set[str] = set()
    for value in values:
        if not value:
            continue
        out.add(value)
        if "\n" in value:
            lines = (line.strip() for line in value.splitlines())
            out.update(line for line in lines if len(line) >= MIN_FRAGMENT)
    return frozenset(out)


def mask_text(
    text: str, secrets: Iterable[str], *, cut_start: bool = False, cut_end: bool = False
) -> str:
    """`text` with every secret replaced by `***` (longest first); with `cut_start` /
    `cut_end` also a secret's end at the start / its beginning at the end of `text`."""
    ordered = sorted((s for s in secrets if s), key=len, reverse=True)
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    if cut_start:
        text = _mask_start(text, ordered)
    if cut_end:
        text = _mask_end(text, ordered)
    return text


def _mask_start(text: str, secrets: list[str]) -> str:
    """Mask the longest end of a secret that `text` starts with."""
    head = text[:MIN_EDGE]
    if len(head) < MIN_EDGE:
        return text
    for secret in secrets:
        at = secret.find(head, 1)
        while at != -1:
            if text.startswith(secret[at:]):
                return MASK + text[len(secret) - at :]
            at = secret.find(head, at + 1)
    return text


def _mask_end(text: str, secrets: list[str]) -> str:
    """Mask the longest beginning of a secret that `text` ends with."""
    tail = text[-MIN_EDGE:]
    if len(tail) < MIN_EDGE:
        return text
    for secret in secrets:
        at = secret.rfind(tail, 0, len(secret) - 1)
        while at != -1:
            piece = secret[: at + MIN_EDGE]
            if len(piece) < len(secret) and text.endswith(piece):
                return text[: len(text) - len(piece)] + MASK
            at = secret.rfind(tail, 0, at + MIN_EDGE - 1)
    return text
