"""Ask the setting, on a 375x667 phone: a DSL asked whether a child in review is their
pupil sees only the child's name and date of birth beside the pupil on their roll; one
answers "our pupil" and acknowledges the notification that opens; another answers "not
ours", and the coordinator sees that setting ruled out on the review item."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import Alert, ReviewAsk, ReviewItem
from tests.browser.pages import SMALL_PHONE, check_page, sign_in
from tests.browser.world import DSL, brown_children_school
from tests.factories import (
    bearer,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)

COORDINATOR = "claire.booth@york.example.gov.uk"
MARK = "mark.evans@school.example.org"
NOTE = "Helen will meet Amelia at the gate at 8:40."
# Moved house, and the birthday written a month out: one strong candidate, not certain.
MOVED = {"postcode": "YO24 1AB", "address": "3 Acomb Road", "date_of_birth": "2019-05-03"}


def _notice(client, key: str, **child: str) -> None:
    body = notice_body(child={**MOVED, **child})
    response = client.post("/api/v1/notices", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_json()


def _ask(db) -> ReviewAsk:
    db.expire_all()
    return db.exec(select(ReviewAsk)).one()


def test_a_dsl_confirms_their_pupil_and_acknowledges(new_page, db, client):
    _, key = brown_children_school(db)
    _notice(client, key)
    ask = _ask(db)

    dsl = new_page(SMALL_PHONE)
    dsl.goto(f"/dsl/asks/{ask.id}")
    sign_in(dsl, DSL)
    expect(dsl.get_by_role("heading", level=1)).to_have_text("Is this child your pupil?")
    main = dsl.locator("main")
    expect(main).to_contain_text("Amelia Brown")
    expect(main).to_contain_text("3 May 2019")
    expect(main).to_contain_text("12 Low Street")
    for secret in ("Acomb", "Verbal argument", "scared", "NY-2026-004211"):
        expect(main).not_to_contain_text(secret)
    check_page(dsl, "90-dsl-ask-small-phone", phone=True)

    dsl.get_by_role("button", name="Yes, this is our pupil").click()
    expect(dsl.get_by_role("heading", level=1)).to_have_text(
        "Notification for St Wilfrid's RC Primary School"
    )
    dsl.get_by_label("What support have you planned for the child?").fill(NOTE)
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    expect(dsl.locator(".govuk-panel")).to_contain_text("Acknowledged")
    check_page(dsl, "91-dsl-ask-confirmed-acknowledged", phone=True)
    db.expire_all()
    alert = db.exec(select(Alert)).one()
    item = db.exec(select(ReviewItem)).one()
    assert alert.feedback == NOTE and alert.due_by == item.due_by
    assert item.decision == "confirmed_by_setting"


def test_another_dsl_says_not_ours_and_the_coordinator_sees_it(new_page, db, client):
    _, key = brown_children_school(db)
    clifton = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_key_adult(db, clifton, "dsl", "Mark Evans", email=MARK, phone="+447911100011")
    create_pupil(
        db, clifton, given_name="Isaac", family_name="Okafor", date_of_birth=date(2017, 2, 8)
    )
    create_user(db, MARK, "dsl", setting_urn=clifton.urn)
    create_key_adult(db, None, "coordinator", "Claire Booth", email=COORDINATOR, la_code="816")
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _notice(client, key, given_name="Isaac", family_name="Okafor", date_of_birth="2017-03-08")
    ask = _ask(db)
    assert ask.setting_id == clifton.id

    dsl = new_page(SMALL_PHONE)
    dsl.goto(f"/dsl/asks/{ask.id}")
    sign_in(dsl, MARK)
    expect(dsl.locator("main")).to_contain_text("Isaac Okafor")
    dsl.get_by_role("button", name="No, not our pupil").click()
    expect(dsl.locator(".govuk-notification-banner")).to_contain_text("Thank you")
    assert _ask(db).answer == "no"

    coordinator = new_page(SMALL_PHONE)
    coordinator.goto(f"/review/{ask.review_item_id}")
    sign_in(coordinator, COORDINATOR)
    asked = coordinator.locator(".app-review-asks")
    expect(asked).to_contain_text("Ruled out")
    expect(asked).to_contain_text("Clifton Green Primary School was asked")
    expect(asked).to_contain_text("“not ours”")
    check_page(coordinator, "92-coordinator-review-setting-ruled-out", phone=True)
