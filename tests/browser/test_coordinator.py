"""A council coordinator onboards settings: GIAS import, Key Adults, phone, training."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import Alert, Delivery, KeyAdult, PhoneVerification
from tests.browser.pages import check_page, sign_in
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)

COORDINATOR = "coordinator@york.example.gov.uk"
GIAS_HEADER = (
    '"URN","LA (code)","LA (name)","EstablishmentName","TypeOfEstablishment (name)",'
    '"PhaseOfEducation (name)","EstablishmentStatus (name)","Postcode"\n'
)
GIAS_ROWS = [
    ("121212", "816", "York", "St Wilfrid's RC Primary School", "Voluntary aided school",
     "Primary", "Open", "YO31 7PB"),
    ("121345", "816", "York", "Clifton Green Primary School", "Community school", "Primary",
     "Open", "YO30 6HU"),
    ("121214", "816", "York", "Oaklands Junior School", "Community school", "Primary",
     "Closed", "YO24 4QR"),
    ("107999", "383", "Leeds", "Leeds Nursery School", "Local authority nursery school",
     "Nursery", "Open", "LS6 2AA"),
]  # fmt: skip


def _gias_file(tmp_path):
    path = tmp_path / "edubasealldata.csv"
    rows = "".join(",".join(f'"{v}"' for v in row) + "\n" for row in GIAS_ROWS)
    path.write_bytes((GIAS_HEADER + rows).encode("cp1252"))
    return path


def _add_key_adult(page, role: str, name: str, email: str, phone: str) -> None:
    page.get_by_role("button", name="Add a Key Adult").click()
    page.get_by_label(role, exact=True).check()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Mobile number").fill(phone)
    page.get_by_role("button", name="Add Key Adult").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} added")


def _sent_code(db) -> str:
    db.expire_all()
    sms = db.exec(
        select(Delivery).where(Delivery.reason == "phone_verification").order_by(Delivery.id.desc())  # type: ignore[union-attr]
    ).first()
    assert sms is not None
    match = re.search(r"\b(\d{6})\b", sms.body)
    assert match, sms.body
    return match.group(1)


def test_coordinator_imports_gias_adds_two_key_adults_and_verifies_a_phone(new_page, db, tmp_path):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    page = new_page()
    page.goto("/")
    sign_in(page, COORDINATOR, name="19-coordinator-two-factor-setup")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    check_page(page, "20-coordinator-settings-empty")

    # Import from the page: the council's open schools only, with progress then a report.
    page.get_by_role("button", name="Import settings").click()
    expect(page).to_have_title(re.compile("^Error: Settings"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a GIAS CSV or zip file")
    check_page(page, "21-coordinator-import-error")
    page.get_by_label("GIAS establishment file (CSV or zip)").set_input_files(
        str(_gias_file(tmp_path))
    )
    page.get_by_role("button", name="Import settings").click()
    expect(page.locator(".govuk-panel")).to_contain_text("2 settings imported")
    expect(page.locator("main")).to_contain_text(
        "Skipped (closed, not a setting, or another council)"
    )
    check_page(page, "22-coordinator-import-finished")

    page.get_by_role("link", name="Back to settings").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_label("Search by name, URN or postcode").fill("wilfrid")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    check_page(page, "23-coordinator-settings-search")
    page.get_by_role("link", name="St Wilfrid's RC Primary School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("St Wilfrid's RC Primary School")
    check_page(page, "24-coordinator-setting-new")

    # Two Key Adults; the form's errors link to their fields.
    page.get_by_role("button", name="Add a Key Adult").click()
    page.get_by_role("button", name="Add Key Adult").click()
    expect(page).to_have_title(re.compile("^Error: Add a Key Adult"))
    check_page(page, "25-coordinator-add-key-adult-errors")
    page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter the Key Adult's full name"
    ).click()
    expect(page.get_by_label("Full name")).to_be_focused()
    page.get_by_role("link", name="St Wilfrid's RC Primary School").click()
    _add_key_adult(page, "Designated Safeguarding Lead", "Helen Carter",
                   "helen.carter@school.example.org", "07911 123456")  # fmt: skip
    _add_key_adult(page, "Deputy DSL", "Raj Patel", "raj.patel@school.example.org",
                   "07911 123457")  # fmt: skip
    expect(page.locator("tbody").first.locator("tr")).to_have_count(2)

    # Verify Helen's phone with a code sent by SMS: a wrong code first, then the right one.
    page.get_by_role("link", name="Verify phone of Helen Carter").click()
    page.get_by_role("button", name="Send a code").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Code sent")
    check_page(page, "26-coordinator-verify-phone")
    code = _sent_code(db)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("Code from the text message").fill(wrong)
    page.get_by_role("button", name="Verify number").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    check_page(page, "27-coordinator-verify-phone-wrong-code")
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Verify number").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("verified")

    # Training for Helen.
    page.get_by_role("link", name="Record training for Helen Carter").click()
    page.fill("#completed_on-day", "14")
    page.fill("#completed_on-month", "9")
    page.fill("#completed_on-year", "2026")
    check_page(page, "28-coordinator-training")
    page.get_by_role("button", name="Save training").click()
    row = page.locator("tbody").first.locator("tr", has_text="Helen Carter")
    expect(row).to_contain_text("Verified")
    expect(row).to_contain_text("Completed 14 September 2026")
    check_page(page, "29-coordinator-setting-onboarded")

    db.expire_all()
    helen = db.exec(select(KeyAdult).where(KeyAdult.name == "Helen Carter")).one()
    assert helen.phone_verified_at is not None
    verification = db.exec(select(PhoneVerification)).one()
    assert code not in verification.code_hash and len(verification.code_hash) == 64
    sms = db.exec(select(Delivery).where(Delivery.reason == "phone_verification")).one()
    assert sms.to_address == "+447911123456" and "verification code" in sms.body

    # The council's other pages.
    page.get_by_role("link", name="Coverage").click()
    expect(page.locator("main")).to_contain_text("Clifton Green Primary School")
    check_page(page, "30-coordinator-coverage")
    page.get_by_role("link", name="Needs attention").click()
    check_page(page, "31-coordinator-needs-attention")
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("svg.app-chart")).to_have_count(4)
    check_page(page, "32-coordinator-reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the weekly numbers (CSV)").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0] == "week_starting,notices,children,escalations"
    page.get_by_role("link", name="Children to look at together").click()
    expect(page.locator("#repeated-none")).to_be_visible()
    check_page(page, "33-coordinator-repeated-children")


def test_coordinator_resolves_a_review_item(new_page, db, live_server):
    """A child the matcher is unsure of waits in the review queue until a coordinator decides."""
    if "review.queue" not in live_server.app.view_functions:
        pytest.skip("the review queue pages (encompass/review/) are not registered yet")
    setting = create_setting(db)
    create_pupil(db, setting)
    create_key_adult(db, setting, "dsl", "Helen Carter")
    other = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_pupil(db, other)
    _, key = create_force(db)
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    # The same child on two rolls: a person must decide, never a guess.
    body = notice_body()
    response = live_server.app.test_client().post("/api/v1/notices", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["children"][0]["outcome"] == "review"

    page = new_page()
    page.goto("/review/")
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    check_page(page, "40-coordinator-review-queue")
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which setting does this child attend?"
    )
    page.get_by_role("button", name="Decide and send the alert").click()
    expect(page).to_have_title(re.compile("^Error: Which setting does this child attend"))
    check_page(page, "41-coordinator-review-item-error")
    page.get_by_label(re.compile("Amelia Brown at St Wilfrid's")).check()
    check_page(page, "42-coordinator-review-item")
    page.get_by_role("button", name="Decide and send the alert").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decided")
    expect(page.locator("main")).to_contain_text("Nothing is waiting for review.")

    db.expire_all()
    alert = db.exec(select(Alert)).one()
    assert alert.setting_id == setting.id
