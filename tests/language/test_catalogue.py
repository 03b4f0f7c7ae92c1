"""Nothing untranslated: every message the code and templates mark has Welsh, and every
template's text is marked for gettext."""

from __future__ import annotations

import pytest

from encompass.language import catalogue
from encompass.language.maintain import coverage, extract, read
from tests.language.template_text import TEMPLATES, templates, untranslated


def test_every_marked_message_has_a_welsh_translation() -> None:
    found = coverage()
    assert not found.stale, (
        f"{len(found.stale)} messages are not in the Welsh catalogue "
        f"(run `encompass translations update`): {found.stale[:10]}"
    )
    assert not found.missing, f"{len(found.missing)} messages have no Welsh: {found.missing[:10]}"
    assert found.total > 0 and found.translated == found.total


def test_the_catalogue_holds_nothing_the_code_no_longer_marks() -> None:
    wanted = {m.id for m in extract() if m.id}
    stored = {m.id for m in read() if m.id}
    assert stored - wanted == set(), "run `encompass translations update` to drop them"


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_template_string_is_marked_for_gettext(path) -> None:
    assert untranslated(path) == [], f"{path.relative_to(TEMPLATES)}: text outside gettext"


def test_placeholders_survive_translation() -> None:
    """A translation that drops or renames %(name)s would fail at run time, in Welsh only."""
    import re

    field = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")

    def names(text: str) -> set[str]:
        return {a or b for a, b in field.findall(text)}

    for message in read():
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, str) else message.id[-1]
        welsh = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for form in welsh:
            assert names(form) <= names(english) | names(str(message.id)), (english, form)
            # A plural may leave the number out of its "one" form; the rest keep every name.
            assert names(english) - {"num"} <= names(form), (english, form)


def test_welsh_is_read_from_the_po_file_and_english_is_the_message_id() -> None:
    assert catalogue("cy").gettext("Sign out") == "Allgofnodi"
    assert catalogue("en").gettext("Sign out") == "Sign out"
