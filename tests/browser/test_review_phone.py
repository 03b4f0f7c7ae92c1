"""A council coordinator clears a review item at 07:30 on a phone (375x667): the child as
the police sent it, the time left first, the evidence in plain words, the brother already
matched at the same house; a search for a setting answers where the coordinator is; they
choose it and the alert goes out."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlmodel import select

from encompass.db import utcnow
from encompass.models import Alert, ReviewItem
from encompass.operations.heartbeat import Heartbeat
from tests.browser.pages import SMALL_PHONE, check_page, sign_in
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


def _moved_family(db, live_server) -> None:
    """Leo and Amelia Brown moved to 4 New Road: Leo is on Oakfield's roll there, and an
    Amelia Brown of the same birthday at Clifton Green (same house) and St Wilfrid's."""
    oakfield = create_setting(db, urn="121400", name="Oakfield Primary School")
    clifton = create_setting(db, urn="121345", name="Clifton Green Primary School")
    wilfrids = create_setting(db)
    for number, s in enumerate((oakfield, clifton, wilfrids)):
        create_key_adult(db, s, "dsl", f"Key Adult {number}", phone=f"+44791110002{number}")
    create_pupil(db, oakfield, "Leo", date_of_birth=date(2016, 2, 10), postcode="YO10 3DD",
                 address="4 New Road")  # fmt: skip
    create_pupil(db, clifton, "Amelia", postcode="YO10 3DD", address="4 New Road")
    create_pupil(db, wilfrids, "Amelia", postcode="YO24 1AA", address="9 Other Street")
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _, key = create_force(db)
    leo = notice_body(child={"given_name": "Leo", "date_of_birth": "2016-02-10"})["children"]
    body = notice_body(police_reference="NYP-26-00018")
    body["children"] = leo + body["children"]
    client = live_server.app.test_client()
    response = client.post("/api/v1/notices", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert [c["outcome"] for c in response.get_json()["children"]] == ["matched", "review"]


def _worker_running(db) -> None:
    """The worker has just completed a pass, as on any morning: no red banner above the
    page (its heartbeat is otherwise whatever an earlier test left)."""
    Heartbeat().write(db, utcnow())
    db.commit()


def test_a_coordinator_clears_a_review_item_on_a_phone(new_page, db, live_server):
    _moved_family(db, live_server)
    _worker_running(db)
    page = new_page(viewport=SMALL_PHONE)
    page.goto("/review/")
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.locator("main")).to_contain_text("Needed by")
    check_page(page, "80-review-phone-queue", phone=True)

    page.get_by_role("link", name="Amelia Brown, child 2 of notice NYP-26-00018").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which setting does this child attend?"
    )
    # The time left is the first thing under the heading, on the first screen.
    expect(page.locator("#time-left")).to_contain_text(re.compile(r"Needed by \d\d:\d\d .*left"))
    expect(page.locator("#time-left")).to_be_in_viewport()
    main = page.locator("main")
    expect(main).to_contain_text("Amelia Brown, child 2 of notice NYP-26-00018")
    expect(main).to_contain_text(
        "Why: same name and date of birth; lives at a new address; Leo, also on this notice, "
        "matched at Oakfield Primary School: same house"
    )
    expect(main).to_contain_text("Same house as Amelia Brown on the roll")
    expect(main).not_to_contain_text("times likelier")
    check_page(page, "81-review-phone-item", phone=True)

    # The search answers where the coordinator is, its results listed as settings.
    page.get_by_label("Setting name, URN or postcode").fill("oakfield")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=oakfield#setting-search$"))
    search = page.locator("#setting-search")
    expect(search.get_by_role("heading", name="Search for another setting")).to_be_in_viewport()
    expect(search.get_by_role("group", name="1 setting found for “oakfield”")).to_be_visible()
    check_page(page, "82-review-phone-search", phone=True)

    search.get_by_label("Oakfield Primary School (121400)").check()
    decide = page.get_by_role("button", name="Send the alert to this setting")
    decide.scroll_into_view_if_needed()
    expect(decide).to_be_in_viewport()
    decide.click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decided")
    expect(page.locator("main")).to_contain_text("Nothing is waiting for review.")
    check_page(page, "83-review-phone-decided", phone=True)

    db.expire_all()
    item = db.exec(select(ReviewItem)).one()
    assert (item.status, item.decision) == ("resolved", "setting")
    alerts = db.exec(select(Alert).where(Alert.child_id == item.child_id)).all()
    assert [a.setting_id for a in alerts] == [item.decision_setting_id]
