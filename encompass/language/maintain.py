"""Keeping the Welsh catalogue in step with the code: extract, update, measure.

`encompass translations update` reads every message marked for gettext in `encompass/`
and `templates/` (babel.cfg says how) and updates the Welsh `.po`: new messages arrive
with an empty translation, gone ones are dropped, translations are kept. A translation
the project's developers wrote carries the translator comment REVIEW_NOTE until a Welsh
speaker has checked it and deleted the comment; `encompass translations check` counts both.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from encompass.language.catalogue import DOMAIN, catalogue_path

ROOT = Path(__file__).resolve().parent.parent.parent
REVIEW_NOTE = "needs review by a Welsh speaker"
# Python's gettext names, and Flask-Babel's lazy ones (form labels made at import).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "N_": None,
}


def extract(root: Path = ROOT) -> Catalog:
    """Every message the code and templates mark, as a template catalogue."""
    config = (root / "babel.cfg").read_text(encoding="utf-8")
    method_map, options_map = parse_mapping_cfg(io.StringIO(config))
    found = Catalog(project="Encompass", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        found.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return found


def read(locale: str = "cy") -> Catalog:
    with catalogue_path(locale).open("rb") as po:
        return read_po(po, locale=locale, domain=DOMAIN)


def write(entries: Catalog, locale: str = "cy") -> None:
    path = catalogue_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(
            po, entries, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False
        )


def update(locale: str = "cy", root: Path = ROOT) -> Catalog:
    """The catalogue with every message the code marks now; translations kept."""
    template = extract(root)
    path = catalogue_path(locale)
    if path.is_file():
        entries = read(locale)
    else:
        entries = Catalog(locale=locale, domain=DOMAIN, project="Encompass")
    entries.update(template, no_fuzzy_matching=True, update_header_comment=False)
    # The header says who keeps the file, not when it was last extracted (no churn).
    entries.project, entries.version = "Encompass", "1"
    entries.msgid_bugs_address = ""
    entries.last_translator = "Encompass developers (translations marked for review)"
    entries.language_team = "Welsh <cy@li.org>"
    entries.creation_date = entries.revision_date = datetime(2026, 12, 6, tzinfo=UTC)
    entries.fuzzy = False
    return entries


@dataclass
class Coverage:
    total: int = 0
    translated: int = 0
    awaiting_review: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def _id(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return not message.fuzzy and all(s and s.strip() for s in strings)


def coverage(locale: str = "cy", root: Path = ROOT) -> Coverage:
    """How much of what the code marks today has a translation in the catalogue."""
    entries = read(locale)
    result = Coverage()
    for wanted in extract(root):
        if not wanted.id:
            continue
        result.total += 1
        have = entries.get(wanted.id, context=wanted.context)
        if have is None:
            result.stale.append(_id(wanted))
        elif not translated(have):
            result.missing.append(_id(wanted))
        else:
            result.translated += 1
            if REVIEW_NOTE in have.user_comments:
                result.awaiting_review += 1
    return result


def translate(welsh: dict[str, str | tuple[str, ...]], locale: str = "cy") -> list[str]:
    """Write these translations (English message id -> Welsh; a plural's Welsh forms as a
    tuple of six, Welsh's plural forms zero, one, two, few, many, other) into the
    catalogue, each marked for review by a Welsh speaker. Returns the ids not found."""
    entries = read(locale)
    unknown = []
    for english, translation in welsh.items():
        message = entries.get(english)
        if message is None:
            unknown.append(english)
            continue
        if isinstance(message.id, tuple | list) and isinstance(translation, str):
            translation = (translation,) * entries.num_plurals
        message.string = translation
        message.flags.discard("fuzzy")
        if REVIEW_NOTE not in message.user_comments:
            message.user_comments.append(REVIEW_NOTE)
    write(entries, locale)
    return unknown
