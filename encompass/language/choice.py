"""Which language, or languages, a message goes in.

A person's choice (`language` on their account and Key Adult record: "cy" or "en") is
followed wherever it is known. A setting's `message_language` ("cy", "en" or "bilingual")
is what its Key Adults get when they have not chosen; a setting in Wales that has not
said gets bilingual messages, Welsh first; a setting in England gets English. A message to
many people at once (a council's team) goes bilingually wherever any reader might be Welsh.
"""

from __future__ import annotations

PERSON_CHOICES = ("cy", "en")
SETTING_CHOICES = ("bilingual", "cy", "en")
BILINGUAL = ("cy", "en")
# The local authority codes of the 22 Welsh councils.
WELSH_LA_CODES = range(660, 682)


def welsh_council(la_code: str | None) -> bool:
    """Whether this LA code is a Welsh council's (660-681)."""
    return la_code is not None and la_code.isdigit() and int(la_code) in WELSH_LA_CODES


def setting_default(nation: str | None, message_language: str | None) -> tuple[str, ...]:
    """The languages a setting's messages go in when the reader has not chosen."""
    if message_language == "cy":
        return ("cy",)
    if message_language == "en":
        return ("en",)
    if message_language == "bilingual" or nation == "wales":
        return BILINGUAL
    return ("en",)


def message_languages(
    person: str | None, nation: str | None = None, setting_choice: str | None = None
) -> tuple[str, ...]:
    """The languages of one message to one person, first language first."""
    if person in PERSON_CHOICES:
        return (person,)
    return setting_default(nation, setting_choice)


def page_language(choice: str | None) -> str:
    """The language pages open in for a person: their choice, else English."""
    return choice if choice in PERSON_CHOICES else "en"
