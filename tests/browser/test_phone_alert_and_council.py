"""At 07:45 on a phone: the DSL acknowledges from the first screen (375x667), with or
without JavaScript, and sees one confirmation; an overdue alert looks overdue; what the
council did is seen by the police and the DSL, on a phone and at a desk."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import Alert
from encompass.worker import tick
from tests.browser.pages import SMALL_PHONE, check_page, sign_in
from tests.browser.world import DSL, POLICE, brown_children_school
from tests.factories import bearer, create_key_adult, create_user, notice_body

COORDINATOR = "claire.booth@york.example.gov.uk"
NOTE = "Helen will meet Amelia at the gate at 8:40 and check in with her at lunch."
HANDLING = "called Oakfield: the deputy head will see Amelia at 9"


def _tuesday_0600_a_week_ago() -> datetime:
    """A school morning safely in the past, so the alert is overdue by the wall clock
    (the live server's), whatever day the tests run on."""
    day = datetime.now(UTC).date() - timedelta(days=7)
    day -= timedelta(days=(day.weekday() - 1) % 7)
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)


def _notice(client, key: str, at: datetime | None = None) -> int:
    if at is None:
        response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    else:
        with time_machine.travel(at, tick=False):
            response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _alert(db) -> Alert:
    db.expire_all()
    return db.exec(select(Alert)).one()


def _first_screen(page, locator) -> dict[str, float]:
    """Where the element is on a page opened and not scrolled."""
    assert page.evaluate("() => window.scrollY") == 0
    box = locator.bounding_box()
    assert box is not None
    return box


def test_the_dsl_acknowledges_from_the_first_screen_of_a_small_phone(new_page, db, client):
    _, key = brown_children_school(db)
    _notice(client, key)
    alert = _alert(db)

    dsl = new_page(SMALL_PHONE)
    dsl.goto(f"/alerts/{alert.id}")
    sign_in(dsl, DSL)
    expect(dsl.get_by_role("heading", level=1)).to_have_text(
        "Notification for St Wilfrid's RC Primary School"
    )
    check_page(dsl, "40-dsl-alert-small-phone", phone=True)
    # Deadline, time left, the child (name, age, setting), the note and the button: all on
    # the first screen; the record below it.
    for part in (
        dsl.locator("#deadline"),
        dsl.locator("#alert-child"),
        dsl.get_by_label("What support have you planned for the child?"),
        dsl.get_by_role("button", name="Acknowledge and record support"),
    ):
        box = _first_screen(dsl, part)
        assert box["y"] >= 0 and box["y"] + box["height"] <= SMALL_PHONE["height"], box
    expect(dsl.locator("#deadline")).to_contain_text(re.compile(r"left$|left\s"))
    expect(dsl.locator("#alert-child")).to_contain_text(
        re.compile(r"Amelia Brown, age \d+, St Wilfrid's RC Primary School")
    )
    record = _first_screen(dsl, dsl.locator("#record"))
    assert record["y"] > _first_screen(dsl, dsl.locator("#acknowledge"))["y"]

    dsl.get_by_label("What support have you planned for the child?").fill(NOTE)
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    expect(dsl.locator(".govuk-panel")).to_contain_text("Acknowledged")
    check_page(dsl, "41-dsl-acknowledged-small-phone", phone=True)
    # One confirmation: "Acknowledged" once on the page, at the top.
    text = dsl.locator("main").inner_text()
    assert len(re.findall(r"\bAcknowledged\b", text)) == 1, text
    box = _first_screen(dsl, dsl.locator(".govuk-panel"))
    assert box["y"] + box["height"] <= SMALL_PHONE["height"]


def test_the_acknowledgement_works_without_javascript(new_page, db, client):
    _, key = brown_children_school(db)
    _notice(client, key)
    alert = _alert(db)

    dsl = new_page(SMALL_PHONE, java_script_enabled=False)
    dsl.goto(f"/alerts/{alert.id}")
    sign_in(dsl, DSL)
    button = dsl.get_by_role("button", name="Acknowledge and record support")
    box = _first_screen(dsl, button)
    assert box["y"] + box["height"] <= SMALL_PHONE["height"], box
    dsl.get_by_label("What support have you planned for the child?").fill(NOTE)
    button.click()
    expect(dsl.locator(".govuk-panel")).to_contain_text("Acknowledged")
    assert _alert(db).feedback == NOTE


def test_an_overdue_alert_and_the_councils_handling_are_seen_by_police_and_dsl(
    new_page, app, db, client
):
    school, key = brown_children_school(db)
    create_key_adult(
        db, school, "deputy", "Raj Patel", email="raj@school.example.org", phone="+447911100002"
    )
    create_key_adult(db, None, "coordinator", "Claire Booth", email=COORDINATOR, la_code="816")
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    notice_id = _notice(client, key, _tuesday_0600_a_week_ago())
    alert = _alert(db)
    for minutes in (0, 30, 60):  # the ladder, to the council, that morning
        tick(app, alert.due_by + timedelta(minutes=minutes))
    assert _alert(db).escalated_at is not None

    # Overdue before anyone acts: tagged, and by how long, in the inbox and on the page.
    dsl = new_page(SMALL_PHONE)
    dsl.goto("/dsl/")
    sign_in(dsl, DSL)
    card = dsl.locator(".app-card").first
    expect(card).to_contain_text("Overdue")
    expect(card).to_contain_text(re.compile(r"Overdue by \d+ days?"))
    expect(card).to_contain_text("Escalated: the council's coordinator was told")
    check_page(dsl, "42-dsl-inbox-overdue-small-phone", phone=True)
    card.get_by_role("link", name="Amelia Brown").click()
    expect(dsl.locator("#deadline")).to_contain_text(re.compile(r"Overdue.*overdue", re.S))
    check_page(dsl, "43-dsl-alert-overdue-small-phone", phone=True)

    # The coordinator's own view: back to Needs attention, the ladder, the Key Adults.
    council = new_page()
    council.goto(f"/alerts/{alert.id}")
    sign_in(council, COORDINATOR)
    expect(council.get_by_role("link", name="Needs attention").first).to_be_visible()
    expect(council.locator(".govuk-back-link")).to_have_attribute("href", "/admin/attention")
    expect(council.locator("#ladder + ul")).to_contain_text("SMS to Helen Carter (DSL)")
    expect(council.get_by_role("link", name=re.compile(r"Call 07911 100002"))).to_be_visible()
    expect(council.locator("main")).not_to_contain_text("CPOMS")
    check_page(council, "44-coordinator-alert")
    council.get_by_label("What is the council doing?").fill(HANDLING)
    council.get_by_role("button", name="Record council handling").click()
    expect(council.locator(".govuk-notification-banner")).to_contain_text("council is handling")
    check_page(council, "45-coordinator-council-handling")
    since = datetime.now(UTC)

    # The police see it on the notice page, at a desk and on a phone.
    police = new_page()
    police.goto(f"/police/notices/{notice_id}")
    sign_in(police, POLICE)
    handling = re.compile(r"Council handling since \d\d:\d\d: " + re.escape(HANDLING))
    expect(police.locator(".govuk-summary-card")).to_contain_text(handling)
    check_page(police, "46-police-notice-council-handling")
    police.set_viewport_size(SMALL_PHONE)
    police.reload()
    check_page(police, "47-police-notice-council-handling-small-phone", phone=True)
    api = client.get(f"/api/v1/notices/{notice_id}", headers=bearer(key)).get_json()
    assert api["children"][0]["alert"]["council_handling"]["note"] == HANDLING
    recorded = datetime.fromisoformat(api["children"][0]["alert"]["council_handling"]["since"])
    assert abs((recorded - since).total_seconds()) < 60

    # The DSL sees it in the inbox and on the alert page, and can still acknowledge.
    dsl.goto("/dsl/")
    expect(dsl.locator("main")).to_contain_text("The council is handling 1 notification")
    expect(dsl.locator(".app-card").first).to_contain_text(handling)
    check_page(dsl, "48-dsl-inbox-council-handling-small-phone", phone=True)
    dsl.locator(".app-card").first.get_by_role("link").click()
    expect(dsl.locator("#council-handling")).to_contain_text(handling)
    expect(dsl.locator("#council-handling")).to_contain_text("You can still acknowledge")
    check_page(dsl, "49-dsl-alert-council-handling-small-phone", phone=True)
    desk = new_page()
    desk.goto(f"/alerts/{alert.id}")
    sign_in(desk, DSL)
    expect(desk.locator("#council-handling")).to_contain_text(handling)
    check_page(desk, "50-dsl-alert-council-handling-desktop")
    dsl.get_by_label("What support have you planned for the child?").fill(NOTE)
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    expect(dsl.locator(".govuk-panel")).to_contain_text("Acknowledged")
    police.reload()
    expect(police.locator(".govuk-summary-card")).to_contain_text(NOTE)
    expect(police.locator(".govuk-summary-card")).to_contain_text(handling)
