"""The coordinator's term dates page: upload, see the open and closed days, then save."""

import io
from pathlib import Path

import pytest
import time_machine
from sqlmodel import select

from encompass.models import AuditEvent, CalendarEntry
from tests.factories import create_setting, create_user
from tests.helpers import csrf_token, sign_in

DATA = Path(__file__).resolve().parents[1] / "data"
COORDINATOR = "coordinator@york.example.gov.uk"


@pytest.fixture(autouse=True)
def _june_2026():
    """The files are for 2025 to 2028: the checks of plausible years are made in 2026."""
    with time_machine.travel("2026-06-01 09:00Z"):
        yield


def _coordinator(db, client):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    sign_in(client, COORDINATOR)


def _upload(client, content: bytes, name: str, **fields: str):
    page = client.get("/admin/calendar/import").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), **fields, "file": (io.BytesIO(content), name)}
    return client.post("/admin/calendar/import", data=data, content_type="multipart/form-data")


def _token(html: str) -> str:
    marker = 'name="token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_it_previews_a_schools_term_dates_and_saves_them_when_asked(client, db):
    setting = create_setting(db, urn="121212", la_code="816")
    _coordinator(db, client)
    raw = (DATA / "school_markers_2026_27.ics").read_bytes()

    response = _upload(client, raw, "term-dates.ics", setting_urn="121212")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Check the term dates for St Wilfrid" in html
    assert "6 terms" in html and "left out" in html
    assert "October 2026" in html and "August 2027" in html
    # Tuesday 15 September is open; Monday 2 November an INSET day; 25 December a bank holiday.
    assert '15 <span class="govuk-!-font-size-14">open</span>' in html
    assert '2 <span class="govuk-!-font-size-14">closed (INSET)</span>' in html
    assert '25 <span class="govuk-!-font-size-14">bank holiday</span>' in html
    assert db.exec(select(CalendarEntry)).all() == []

    saved = client.post(
        "/admin/calendar/save", data={"csrf_token": csrf_token(html), "token": _token(html)}
    )

    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/admin/settings/{setting.id}"
    entries = db.exec(select(CalendarEntry)).all()
    assert {e.setting_id for e in entries} == {setting.id}
    assert sum(e.kind == "term" for e in entries) == 6
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "calendar.imported")).one()


def test_it_refuses_a_calendar_that_would_delay_alerts_and_says_why(client, db):
    _coordinator(db, client)
    lopsided = (
        b"label,start_date,end_date\nFirst day back,2026-09-03,\nLast day of term,2026-10-23,\n"
        b"First day back,2027-06-07,\nLast day of term,2027-07-21,\n"
    )

    response = _upload(client, lopsided, "terms.csv")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "terms.csv cannot be used: it would shut the setting for too much of the year" in html
    assert "days in a row, 24 October 2026 to 6 June 2027" in html
    assert db.exec(select(CalendarEntry)).all() == []


def test_it_does_not_import_for_a_setting_in_another_council(client, db):
    create_setting(db, urn="107999", la_code="383")
    _coordinator(db, client)

    response = _upload(
        client, (DATA / "york_terms.ics").read_bytes(), "york.ics", setting_urn="107999"
    )

    assert response.status_code == 400
    assert "There is no setting with URN 107999 in your council" in response.get_data(as_text=True)


def test_it_saves_nothing_from_a_token_that_was_tampered_with(client, db):
    _coordinator(db, client)
    html = _upload(client, (DATA / "york_terms.ics").read_bytes(), "york.ics").get_data(
        as_text=True
    )

    response = client.post(
        "/admin/calendar/save", data={"csrf_token": csrf_token(html), "token": _token(html) + "x"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/calendar/import"
    assert db.exec(select(CalendarEntry)).all() == []
