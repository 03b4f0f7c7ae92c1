"""Name and postcode keys the matcher compares: case, accents and punctuation folded."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’‘`]")
_SEPARATORS = re.compile(r"[\s\-.]+")


def name_key(name: str) -> str:
    """'Siân O'Neill-Jones' -> 'sian oneill jones'."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("", stripped.casefold())
    return _SEPARATORS.sub(" ", stripped).strip()


def postcode_key(postcode: str | None) -> str:
    """'yo1 7hh' -> 'YO17HH'; empty when there is none."""
    return re.sub(r"\s+", "", postcode or "").upper()
