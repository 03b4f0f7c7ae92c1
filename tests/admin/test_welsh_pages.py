"""The coordinator's pages in Welsh (`?lang=cy`): onboarding a setting, its message
language, a Key Adult's language; English stays the default."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlmodel import select

from encompass.db import utcnow
from encompass.models import AuditEvent, KeyAdult, Setting
from tests.factories import create_key_adult, create_setting, create_user
from tests.helpers import csrf_token, sign_in
from tests.language.welsh_page import english_left

COORDINATOR = "coordinator@cardiff.example.gov.uk"
SCHOOL = "Ysgol Gymraeg Treganna"
ADULT = "Helen Carter"


def _coordinator(db, client) -> None:
    create_user(db, COORDINATOR, "coordinator", la_code="681")
    sign_in(client, COORDINATOR)


def _welsh(client, url: str, allowed: tuple[str, ...] = ()) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + "lang=cy")
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert '<html lang="cy"' in html, url
    assert english_left(html, allowed=allowed) == [], url
    return html


def test_the_pages_that_onboard_a_setting_are_welsh(client, db) -> None:
    _coordinator(db, client)
    setting = create_setting(db, urn="401234", name=SCHOOL, la_code="681", nation="wales")
    adult = create_key_adult(db, setting, name=ADULT)
    names = (SCHOOL, ADULT, adult.email, "401234")

    settings = _welsh(client, "/admin/settings", names)
    assert "Mewnforio lleoliadau o GIAS" in settings and "1 lleoliad" in settings
    page = _welsh(client, f"/admin/settings/{setting.id}", names)
    assert "Oedolion Allweddol" in page and "Person diogelu dynodedig" in page
    assert "Cymraeg a Saesneg (Cymraeg yn gyntaf)" in page
    assert "Ychwanegu lleoliad" in _welsh(client, "/admin/settings/new", names)
    new_adult = _welsh(client, f"/admin/settings/{setting.id}/key-adults/new", names)
    assert "Iaith eu negeseuon (dewisol)" in new_adult and "Heb ofyn eto" in new_adult
    verify = _welsh(client, f"/admin/key-adults/{adult.id}/verify", names)
    assert "Gwirio rhif ffôn symudol" in verify


def test_a_welsh_form_error_and_flash_are_welsh(client, db) -> None:
    _coordinator(db, client)
    page = client.get("/admin/settings/new?lang=cy").get_data(as_text=True)
    answer = client.post(
        "/admin/settings/new", data={"csrf_token": csrf_token(page), "urn": "12", "name": SCHOOL}
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and '<html lang="cy"' in html
    assert "Dewiswch y math o leoliad" in html
    assert english_left(html, allowed=(SCHOOL, "12")) == []
    added = client.post(
        "/admin/settings/new",
        data={"csrf_token": csrf_token(page), "urn": "401235", "name": SCHOOL, "kind": "school"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Ychwanegwyd {SCHOOL}" in added


def test_english_stays_the_default(client, db) -> None:
    _coordinator(db, client)
    setting = create_setting(db, urn="401234", name=SCHOOL, la_code="681")
    page = client.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
    assert '<html lang="en-GB"' in page
    assert "Key Adults" in page and "Language of messages" in page
    # A setting in England that has not chosen: English.
    assert re.search(r'value="en"\s+checked', page)


def test_the_coordinator_sets_the_settings_message_language(client, db) -> None:
    _coordinator(db, client)
    setting = create_setting(db, urn="401234", name=SCHOOL, la_code="681", nation="wales")
    page = client.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
    # Not chosen yet: bilingual, Welsh first, for a setting in Wales.
    assert re.search(r'value="bilingual"\s+checked', page)
    assert "Welsh and English (Welsh first) (the default)" in page

    answer = client.post(
        f"/admin/settings/{setting.id}/message-language",
        data={"csrf_token": csrf_token(page), "message_language": "cy"},
        follow_redirects=True,
    )
    html = answer.get_data(as_text=True)
    assert "Messages to this setting&#39;s Key Adults: Welsh only" in html
    db.expire_all()
    assert db.get(Setting, setting.id).message_language == "cy"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "setting.message_language")).one()
    assert event.object_id == setting.id and event.detail == "cy"

    bad = client.post(
        f"/admin/settings/{setting.id}/message-language",
        data={"csrf_token": csrf_token(page), "message_language": "fr"},
    )
    assert bad.status_code == 400
    assert db.get(Setting, setting.id).message_language == "cy"


def test_a_key_adults_language_is_asked_when_they_are_added(client, db) -> None:
    _coordinator(db, client)
    setting = create_setting(db, urn="401234", name=SCHOOL, la_code="681", nation="wales")
    url = f"/admin/settings/{setting.id}/key-adults/new"
    page = client.get(url).get_data(as_text=True)
    base = {"csrf_token": csrf_token(page), "role": "dsl", "phone": "07911 123456"}
    client.post(
        url,
        data={**base, "name": "Siân Jones", "email": "sian@ysgol.example.org", "language": "cy"},
    )
    client.post(
        url,
        data={
            **base,
            "role": "deputy",
            "phone": "07911 123457",
            "name": "Tom Hughes",
            "email": "tom@ysgol.example.org",
        },
    )
    adults = {a.name: a.language for a in db.exec(select(KeyAdult))}
    assert adults == {"Siân Jones": "cy", "Tom Hughes": None}
    shown = client.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
    assert '<span class="govuk-body-s" lang="cy">Cymraeg</span>' in shown


DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_roll_import_in_welsh(make_app, db) -> None:
    client = make_app(IMPORT_JOBS_INLINE=True).test_client()
    _coordinator(db, client)
    create_setting(db, urn="121212", name=SCHOOL, la_code="681")
    page = _welsh(client, "/admin/rolls/import")
    assert "Mewnforio cofrestr disgyblion" in page
    answer = client.post(
        "/admin/rolls/import",
        data={
            "csrf_token": csrf_token(page),
            "file": (io.BytesIO((DATA / "ctf_st_wilfrids.xml").read_bytes()), "ctf.xml"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    job = _welsh(client, answer.headers["Location"], ("ctf.xml",))
    assert "Mewnforio wedi gorffen" in job and "Mewnforiwyd 3 disgybl" in job


def test_term_dates_are_checked_in_welsh(client, db) -> None:
    _coordinator(db, client)
    create_setting(db, urn="121212", name=SCHOOL, la_code="681")
    page = _welsh(client, "/admin/calendar/import")
    assert "Mewnforio dyddiadau tymor" in page
    answer = client.post(
        "/admin/calendar/import?lang=cy",
        data={
            "csrf_token": csrf_token(page),
            "setting_urn": "121212",
            "file": (io.BytesIO((DATA / "school_markers_2026_27.ics").read_bytes()), "t.ics"),
        },
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and '<html lang="cy"' in html
    assert "Medi 2026" in html and "Llun" in html and "ar agor" in html
    assert english_left(html, allowed=(SCHOOL, "t.ics")) == []


def test_attention_and_coverage_are_welsh(client, db) -> None:
    _coordinator(db, client)
    setting = create_setting(db, urn="401234", name=SCHOOL, la_code="681", nation="wales")
    adult = create_key_adult(db, setting, name=ADULT)
    adult.contact_failed_at = utcnow()
    adult.phone_verified_at = None
    db.add(adult)
    db.commit()
    names = (SCHOOL, ADULT, "401234")

    attention = _welsh(client, "/admin/attention", names)
    assert "Angen sylw" in attention and "Cysylltiadau'n methu" in attention
    coverage = _welsh(client, "/admin/coverage", names)
    assert "0 o 1 lleoliad wedi'u gosod yn llawn." in coverage
    assert "dim cofrestr disgyblion" in coverage
    assert "1 cyswllt yn methu: nid yw negeseuon yn cyrraedd" in coverage


def test_reports_and_their_csv_headers_are_welsh(client, db) -> None:
    _coordinator(db, client)
    page = _welsh(client, "/admin/reports")
    assert "Prydlondeb" in page and "Wythnos yn dechrau" in page
    assert "(siart bar; mae'r rhifau yn y tabl)" in page
    weekly = client.get("/admin/reports/weekly.csv?lang=cy").get_data(as_text=True)
    assert weekly.splitlines()[0] == "wythnos_yn_dechrau,hysbysiadau,plant,uwchgyfeiriadau"
    summary = client.get("/admin/reports/summary.csv?lang=cy").get_data(as_text=True)
    assert summary.splitlines()[0] == "mesur,gwerth"
    english = client.get("/admin/reports/weekly.csv?lang=en").get_data(as_text=True)
    assert english.splitlines()[0] == "week_starting,notices,children,escalations"
