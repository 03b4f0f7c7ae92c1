"""A control room submits a notice; the DSL acknowledges it on a phone; the police see it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import Alert, Delivery
from tests.browser.pages import PHONE, check_page, sign_in, unfold
from tests.browser.world import fill_incident
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
)

DSL_EMAIL = "helen.carter@school.example.org"
POLICE_EMAIL = "control.room@police.example.org"
NOTE = "Helen will meet Amelia at the gate at 8:40 and check in with her at lunch."
PRESENTATION = "Quiet at registration, would not take her coat off; said she was tired."


def _school_and_force(db):
    setting = create_setting(db)
    create_key_adult(db, setting, "dsl", "Helen Carter", email=DSL_EMAIL)
    create_pupil(db, setting)
    create_user(db, DSL_EMAIL, "dsl", setting_urn=setting.urn)
    create_force(db, "North Yorkshire Police")
    create_user(db, POLICE_EMAIL, "police", force_name="North Yorkshire Police")
    return setting


def _fill_notice(page, occurred: datetime) -> None:
    fill_incident(page, occurred)
    page.fill("#children-0-given_name", "Amelia")
    page.fill("#children-0-family_name", "Brown")
    page.fill("#children-0-date_of_birth-day", "3")
    page.fill("#children-0-date_of_birth-month", "4")
    page.fill("#children-0-date_of_birth-year", "2019")
    page.fill("#children-0-postcode", "YO1 7HH")
    page.fill("#children-0-address", "12 Low Street")
    page.check("#children-0-present")  # yes
    unfold(page, "#children-0-more")
    page.fill("#children-0-where", "in the bedroom")
    page.check("#children-0-spoken_to")
    page.fill("#children-0-voice_of_child", "said she was scared; quiet, clinging to mother")
    page.check("#children-0-other_adult_present-2")  # no
    page.fill("#adults-0-given_name", "Sam")
    page.fill("#adults-0-family_name", "Brown")
    page.fill("#adults-0-relationship_to_children", "mother")
    page.check("#adults-0-role")  # victim


def _alert_link(db) -> str:
    db.expire_all()
    sms = db.exec(
        select(Delivery).where(Delivery.channel == "sms", Delivery.reason == "alert")
    ).one()
    match = re.search(r"https?://\S+/a/\S+", sms.body)
    assert match, sms.body
    return match.group(0)


def test_control_room_submits_and_the_dsl_acknowledges_on_a_phone(new_page, db, live_server):
    _school_and_force(db)
    occurred = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=2)

    # The control room signs in and opens the notice form.
    police = new_page()
    police.goto("/police/notices")
    expect(police).to_have_url(re.compile(r"/login\?next="))
    check_page(police, "01-sign-in")
    sign_in(police, POLICE_EMAIL)
    expect(police.get_by_role("heading", level=1)).to_have_text("Notices")
    check_page(police, "02-police-notices-empty")
    police.get_by_role("link", name="Submit a notice").first.click()
    check_page(police, "03-police-notice-form")

    # A bare "partner" is refused with the same rule as the API, and a second adult added.
    _fill_notice(police, occurred)
    police.get_by_role("button", name="Add another adult").click()
    police.fill("#adults-1-given_name", "Lee")
    police.fill("#adults-1-family_name", "Grant")
    police.fill("#adults-1-relationship_to_children", "partner")
    police.check("#adults-1-role-2")  # suspect
    police.get_by_role("button", name="Submit notice", exact=True).click()
    expect(police).to_have_title(re.compile(r"^Error: Submit a notice"))
    summary = police.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Adult 2: say who this adult is to the children")
    check_page(police, "04-police-notice-form-errors")
    summary.get_by_role("link").first.click()
    expect(police.locator("#adults-1-relationship_to_children")).to_be_focused()
    police.fill("#adults-1-relationship_to_children", "mother's partner")
    police.get_by_role("button", name="Submit notice", exact=True).click()

    # The notice page shows the child matched to the school and the alert on its way.
    expect(police.get_by_role("heading", level=1)).to_have_text("Notice NY-2026-004211")
    expect(police.locator(".govuk-notification-banner")).to_contain_text("submitted")
    expect(police.locator(".govuk-summary-card")).to_contain_text("St Wilfrid's RC Primary School")
    expect(police.locator(".govuk-summary-card")).to_contain_text("Matched to a setting")
    check_page(police, "05-police-notice-submitted")

    # The DSL opens the link from the text message on a phone and has to sign in first.
    dsl = new_page(PHONE)
    dsl.goto(_alert_link(db))
    expect(dsl).to_have_url(re.compile(r"/login\?next=%2Fa%2F|/login\?next=/a/"))
    expect(dsl.locator("body")).not_to_contain_text("Amelia")
    check_page(dsl, "06-dsl-sign-in-phone", phone=True)
    sign_in(dsl, DSL_EMAIL)
    expect(dsl.get_by_role("heading", level=1)).to_have_text(
        "Notification for St Wilfrid's RC Primary School"
    )
    expect(dsl.locator(".govuk-summary-list").first).to_contain_text("mother's partner")
    check_page(dsl, "07-dsl-alert-phone", phone=True)
    # The deadline and the time left lead the page: on a phone, without scrolling.
    deadline = dsl.locator("#deadline")
    expect(deadline).to_contain_text(re.compile(r"Support needed before \d\d:\d\d \w{3} \d"))
    expect(deadline).to_contain_text(re.compile(r"left|passed"))
    assert dsl.evaluate("() => window.scrollY") == 0
    box = deadline.bounding_box()
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= PHONE["height"], box

    # Acknowledging needs the note of planned support.
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    expect(dsl).to_have_title(
        re.compile(r"^Error: Notification for St Wilfrid's RC Primary School")
    )
    check_page(dsl, "08-dsl-alert-error-phone", phone=True)
    dsl.get_by_label("What support have you planned for the child?").fill(NOTE)
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    expect(dsl.locator(".govuk-panel")).to_contain_text("Acknowledged")
    # How the child presented is added once the child has arrived.
    dsl.get_by_role("link", name="Add how the child presented").click()
    check_page(dsl, "09a-dsl-presentation-phone", phone=True)
    dsl.get_by_label("How did the child present?").fill(PRESENTATION)
    dsl.get_by_role("button", name="Save").click()
    record = dsl.get_by_label("Summary for your records")
    expect(record).to_have_value(re.compile("Support planned: " + re.escape(NOTE)))
    expect(record).to_have_value(re.compile(re.escape(PRESENTATION)))
    check_page(dsl, "09-dsl-acknowledged-phone", phone=True)
    dsl.get_by_role("link", name="All notifications").click()
    expect(dsl.locator(".app-card")).to_contain_text("Acknowledged")
    check_page(dsl, "10-dsl-inbox-phone", phone=True)

    db.expire_all()
    alert = db.exec(select(Alert)).one()
    assert alert.feedback == NOTE and alert.child_presentation == PRESENTATION

    # The control room sees the outcome and the DSL's note, and can filter by status.
    police.get_by_role("link", name="Notices", exact=True).click()
    row = police.locator("tbody tr").first
    expect(row).to_contain_text("Acknowledged")
    expect(row).to_contain_text(NOTE)
    check_page(police, "11-police-notices-outcome")
    police.select_option("#status", "review")
    police.get_by_role("button", name="Filter notices").click()
    expect(police.locator("main")).to_contain_text("No notices match these filters.")
    police.select_option("#status", "acknowledged")
    police.get_by_role("button", name="Filter notices").click()
    expect(police.locator("tbody tr").first).to_contain_text("Amelia Brown")
    # The police never see how the child presented at school.
    expect(police.locator("main")).not_to_contain_text(PRESENTATION)
