"""Which language a message goes in: the person's choice, else the setting's, else the
nation's default (bilingual, Welsh first, in Wales)."""

from __future__ import annotations

from encompass.language.choice import message_languages, setting_default


def test_a_person_who_has_chosen_gets_their_language_wherever_the_setting_is() -> None:
    assert message_languages("cy", "england") == ("cy",)
    assert message_languages("en", "wales", "bilingual") == ("en",)


def test_unknown_in_wales_is_bilingual_welsh_first() -> None:
    assert message_languages(None, "wales") == ("cy", "en")
    assert setting_default("wales", None) == ("cy", "en")


def test_a_setting_can_say_welsh_only_or_english_only() -> None:
    assert message_languages(None, "wales", "cy") == ("cy",)
    assert message_languages(None, "wales", "en") == ("en",)
    assert message_languages(None, "england", "bilingual") == ("cy", "en")


def test_unknown_in_england_is_english() -> None:
    assert message_languages(None, "england") == ("en",)
