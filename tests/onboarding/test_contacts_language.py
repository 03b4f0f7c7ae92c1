"""The contacts file's optional `language` column: the language of a Key Adult's
messages when they have said (cy, en, Welsh, English, Cymraeg); blank is not known."""

from __future__ import annotations

from sqlmodel import select

from encompass.models import KeyAdult
from encompass.onboarding.contacts import import_contacts
from tests.factories import create_setting

HEADER = "setting_urn,role,name,email,phone,language\n"


def _languages(db) -> dict[str, str | None]:
    return {a.name: a.language for a in db.exec(select(KeyAdult))}


def test_it_reads_the_language_column(db, tmp_path) -> None:
    create_setting(db, urn="401234", la_code="681", nation="wales")
    path = tmp_path / "contacts.csv"
    path.write_text(
        HEADER
        + "401234,dsl,Siân Jones,sian@ysgol.example.org,07911 123456,Cymraeg\n"
        + "401234,deputy,Tom Hughes,tom@ysgol.example.org,07911 123457,en\n"
        + "401234,head,Elin Evans,elin@ysgol.example.org,07911 123458,WELSH\n"
        + "401234,holiday_cover,Rhys Lewis,rhys@ysgol.example.org,07911 123459,\n",
        encoding="utf-8",
    )

    report = import_contacts(db, path)

    assert (report.accepted, report.rejected) == (4, [])
    assert _languages(db) == {
        "Siân Jones": "cy",
        "Tom Hughes": "en",
        "Elin Evans": "cy",
        "Rhys Lewis": None,
    }


def test_a_blank_language_keeps_what_is_known_and_a_bad_one_rejects_the_row(db, tmp_path):
    create_setting(db, urn="401234", la_code="681", nation="wales")
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + "401234,dsl,Siân Jones,sian@ysgol.example.org,07911 123456,cy\n")
    import_contacts(db, path)
    db.commit()
    path.write_text(
        HEADER
        + "401234,dsl,Siân Jones,sian@ysgol.example.org,07911 123456,\n"
        + "401234,deputy,Tom Hughes,tom@ysgol.example.org,07911 123457,French\n"
    )

    report = import_contacts(db, path)

    assert report.accepted == 1
    assert report.rejected == [
        (3, "language must be cy, en, Welsh, English or Cymraeg (or blank), not 'French'")
    ]
    assert _languages(db) == {"Siân Jones": "cy"}


def test_a_file_without_the_column_still_imports(db, tmp_path) -> None:
    create_setting(db, urn="401234", la_code="681")
    path = tmp_path / "contacts.csv"
    path.write_text(
        "setting_urn,role,name,email,phone\n"
        "401234,dsl,Helen Carter,helen@school.example.org,07911 123456\n"
    )
    assert import_contacts(db, path).accepted == 1
    assert _languages(db) == {"Helen Carter": None}
