"""Director names ("10: Import x509 Hosts", "Business Hours") made into jobrunner names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
_NOT_ALLOWED = re.compile(r"[^a-z0-9_.-]+")


def slug(text: str, fallback: str) -> str:
    """A valid name close to `text`: accents dropped (`Ü` -> `u`), lower case, other
    characters as `-`, at most 63 long."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = _NOT_ALLOWED.sub("-", plain.strip().lower())
    name = re.sub(r"-{2,}", "-", name).strip("-_.")
    name = name[:63].rstrip("-_.")
    return name or fallback


def unique_names(originals: Iterable[str], fallback: str) -> dict[str, str]:
    """Map each original name to a distinct slug; later duplicates get `-2`, `-3`, ..."""
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for original in originals:
        base = slug(original, fallback)
        name, counter = base, 1
        while name in taken:
            counter += 1
            suffix = f"-{counter}"
            name = base[: 63 - len(suffix)] + suffix
        taken.add(name)
        mapping[original] = name
    return mapping
