"""The Welsh catalogue, read from its `.po` file and compiled in memory once per process."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

# English is the language the message ids are written in; Welsh is translated.
LANGUAGES = ("cy", "en")
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def catalogue_path(locale: str = "cy") -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def catalogue(locale: str) -> NullTranslations:
    """The translations for 'cy' (English for 'en' or anything else: the message ids)."""
    path = catalogue_path(locale)
    if locale == "en" or not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        entries = read_po(po, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    # Fuzzy entries (a translator's guess the tools flagged) are never shown.
    write_mo(compiled, entries, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
