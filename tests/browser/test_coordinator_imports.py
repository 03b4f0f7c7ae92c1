"""A coordinator imports a school's term dates (checking the preview) and its pupil roll."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import CalendarEntry, Pupil
from tests.browser.pages import check_page, sign_in
from tests.factories import create_setting, create_user

COORDINATOR = "coordinator@york.example.gov.uk"
DATA = Path(__file__).resolve().parent.parent / "data"


def test_coordinator_imports_term_dates_after_the_preview_and_a_ctf_roll(new_page, db):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    create_setting(db, urn="121212", la_code="816")
    page = new_page()
    page.goto("/")
    sign_in(page, COORDINATOR, name="60-imports-coordinator-two-factor-setup")

    page.get_by_role("link", name="Import term dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import term dates")
    check_page(page, "61-calendar-import")
    page.get_by_label("Term dates file (.ics or CSV)").set_input_files(
        str(DATA / "school_markers_2026_27.ics")
    )
    page.get_by_label("URN of one setting (optional)").fill("121212")
    page.get_by_role("button", name="Preview the term dates").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the term dates for")
    expect(page.locator("main")).to_contain_text("6 terms")
    check_page(page, "62-calendar-preview")
    assert db.exec(select(CalendarEntry)).all() == []
    page.get_by_role("button", name="Save these term dates").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Term dates saved")
    db.expire_all()
    assert len(db.exec(select(CalendarEntry)).all()) > 0

    page.goto("/admin/rolls/import")
    check_page(page, "63-roll-import")
    page.get_by_label("Pupil roll (CSV or Common Transfer File)").set_input_files(
        str(DATA / "ctf_st_wilfrids.xml")
    )
    page.get_by_role("button", name="Import the roll").click()
    expect(page.locator(".govuk-panel")).to_contain_text("3 pupils imported", timeout=15000)
    check_page(page, "64-roll-import-finished")
    db.expire_all()
    assert len(db.exec(select(Pupil)).all()) == 3
