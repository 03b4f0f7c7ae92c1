"""The police add a forgotten child and the setting sees it; the control-room form with two
children at one address, and its errors naming the child; an alert printed to PDF."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from encompass.models import Alert, Child
from tests.browser.pages import ARTIFACTS, PHONE, check_page, sign_in, unfold
from tests.browser.world import DSL, POLICE, brown_children_school
from tests.factories import (
    bearer,
    notice_body,
)

NOTE = "Helen will meet Amelia at the gate at 8:40 and check in with her at lunch."


def test_police_add_a_forgotten_child_and_the_setting_sees_it(new_page, db, live_server):
    _, key = brown_children_school(db)
    sent = live_server.app.test_client().post(
        "/api/v1/notices", json=notice_body(), headers=bearer(key)
    )
    notice_id = sent.get_json()["id"]

    police = new_page()
    police.goto(f"/police/notices/{notice_id}")
    sign_in(police, POLICE)
    police.get_by_role("button", name="Add a child").click()
    expect(police.get_by_role("heading", level=1)).to_have_text(
        "Add a child to notice NY-2026-004211"
    )
    check_page(police, "60-police-add-child")
    police.get_by_role("button", name="Add the child and send").click()
    summary = police.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Child 2: enter a first name")
    check_page(police, "61-police-add-child-errors")
    police.fill("#given_name", "Oliver")
    police.fill("#family_name", "Brown")
    police.fill("#date_of_birth-day", "1")
    police.fill("#date_of_birth-month", "6")
    police.fill("#date_of_birth-year", "2021")
    police.check("#same_address")
    police.check("#present-2")
    police.check("#spoken_to-2")
    unfold(police, "#more")
    police.check("#other_adult_present-2")
    police.get_by_role("button", name="Add the child and send").click()
    expect(police.locator(".govuk-notification-banner")).to_contain_text(
        "Child 2 added to notice NY-2026-004211"
    )
    expect(police.locator(".govuk-summary-card")).to_have_count(2)
    expect(police.locator("main")).to_contain_text("Changes after sending")
    check_page(police, "62-police-notice-child-added")

    # The school's DSL sees the new notification, and that the police added the child later.
    dsl = new_page(PHONE)
    dsl.goto("/dsl/")
    sign_in(dsl, DSL)
    expect(dsl.locator(".app-card")).to_have_count(2)
    dsl.get_by_role("link", name="Oliver Brown").click()
    expect(dsl.locator("main")).to_contain_text("Changes from the police")
    expect(dsl.locator("main")).to_contain_text(
        "the police added this child to the notice after sending it"
    )
    check_page(dsl, "63-dsl-added-child-phone", phone=True)


def test_the_control_room_form_with_two_children_at_one_address(new_page, db, live_server):
    brown_children_school(db)
    occurred = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=2)
    police = new_page()
    police.goto("/police/notices/new")
    sign_in(police, POLICE)
    for selector, value in {
        "#police_reference": "NY-2026-004212",
        "#occurred_on-day": str(occurred.day),
        "#occurred_on-month": str(occurred.month),
        "#occurred_on-year": str(occurred.year),
        "#occurred_time": occurred.strftime("%H:%M"),
        "#location_postcode": "YO1 7HH",
        "#officer_name": "PC Jane Doe",
        "#officer_contact_phone": "0121 234 5678",
        "#children-0-given_name": "Amelia",
        "#children-0-family_name": "Brown",
        "#children-0-date_of_birth-day": "3",
        "#children-0-date_of_birth-month": "4",
        "#children-0-date_of_birth-year": "2019",
        "#children-0-postcode": "YO1 7HH",
        "#children-0-address": "12 Low Street",
        "#adults-0-given_name": "Sam",
        "#adults-0-family_name": "Brown",
        "#adults-0-relationship_to_children": "mother",
    }.items():
        police.fill(selector, value)
    police.check("#risk_level-2")
    police.check("#children-0-present")
    police.check("#children-0-spoken_to-2")
    unfold(police, "#children-0-more")
    police.check("#children-0-other_adult_present-2")
    police.check("#adults-0-role")

    # Adding a child adds its boxes in place (no reload), cursor in its first box.
    police.get_by_role("button", name="Add another child").click()
    expect(police).to_have_url(re.compile(r"/police/notices/new$"))
    expect(police.locator("#children-1-given_name")).to_be_focused()
    check_page(police, "70-police-form-second-child")
    police.fill("#children-1-given_name", "Oliver")
    police.fill("#children-1-family_name", "Brown")
    police.check("#children-1-same_address")
    expect(police.locator("#children-1-postcode")).to_have_value("YO1 7HH")
    expect(police.locator("#children-1-address")).to_have_value("12 Low Street")

    # Child 2's date of birth and answers are missing: the errors say it is child 2.
    police.get_by_role("button", name="Submit notice", exact=True).click()
    summary = police.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Child 2: enter a date of birth (or the age, if the date is not known), or tick 'This is an unborn child'"
    )
    expect(summary).to_contain_text("Child 2: select whether the child was present")
    expect(summary).not_to_contain_text("Field required")
    expect(summary).not_to_contain_text("should")
    check_page(police, "71-police-form-errors-naming-child-2")
    police.fill("#children-1-date_of_birth-day", "1")
    police.fill("#children-1-date_of_birth-month", "6")
    police.fill("#children-1-date_of_birth-year", "2021")
    police.check("#children-1-present-2")
    police.check("#children-1-spoken_to-2")
    unfold(police, "#children-1-more")
    police.check("#children-1-other_adult_present-2")
    police.get_by_role("button", name="Submit notice", exact=True).click()
    expect(police.locator(".govuk-summary-card")).to_have_count(2)
    check_page(police, "72-police-notice-two-children")

    db.expire_all()
    oliver = db.exec(select(Child).where(Child.given_name == "Oliver")).one()
    assert (oliver.postcode, oliver.address, oliver.outcome) == (
        "YO1 7HH",
        "12 Low Street",
        "matched",
    )


def test_the_alert_prints_to_pdf_without_the_menu_or_buttons_and_nothing_cut(
    new_page, db, live_server
):
    _, key = brown_children_school(db)
    live_server.app.test_client().post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    alert = db.exec(select(Alert)).one()

    dsl = new_page(PHONE)
    dsl.goto(f"/alerts/{alert.id}")
    sign_in(dsl, DSL)
    dsl.get_by_label("What support have you planned for the child?").fill(NOTE)
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    title = dsl.locator(".govuk-panel__title")
    expect(title).to_have_text("Acknowledged")
    # One line on a 360px phone: no "Acknowledge-d".
    lines = title.evaluate(
        "e => Math.round(e.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(e).lineHeight))"
    )
    assert lines == 1, f"'Acknowledged' takes {lines} lines at 360px"
    check_page(dsl, "80-dsl-acknowledged-phone", phone=True)
    summary = dsl.get_by_label("Summary for your records").input_value()

    dsl.set_viewport_size({"width": 1024, "height": 900})
    pdf = dsl.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "81-alert-printed.pdf").write_bytes(pdf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    # As a person reads it: ligatures ("ﬁ") as letters, line breaks as spaces.
    raw = "\n".join(page.extract_text() for page in pages)
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    flat = re.sub(r"\s+", "", text)
    for line in summary.splitlines():
        assert re.sub(r"\s+", "", line) in flat, f"cut from the printed record: {line!r}"
    assert "Notification for St Wilfrid's RC Primary School" in text
    for screen_only in [
        "Sign out",
        "All notifications",
        "Skip to main content",
        "Copy summary",
        "Download the summary",
        "Add how the child presented",
        "Operation Encompass: police notices of domestic abuse",  # the footer
    ]:
        assert screen_only not in text, f"{screen_only!r} printed"
