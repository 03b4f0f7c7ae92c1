"""The child's story on a phone: the third notice about a child shows the first two, and
what followed is recorded a week on; axe clean, and no name in any title or URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlmodel import select

from encompass.alerts.ack import acknowledge
from encompass.models import Alert, Child, Notice, User
from tests.browser.pages import check_page, sign_in
from tests.browser.world import DSL, brown_children_school
from tests.factories import bearer, create_user, notice_body

PHONE_SE = {"width": 375, "height": 667}
COORDINATOR = "claire.booth@york.example.org"
FIRST_NOTE = "Daily check-ins with Mrs Khan at the gate"
PERSONAL = ("Amelia", "Brown", "2019", "Low Street")


def _no_names(page, where: str) -> None:
    for word in PERSONAL:
        assert word not in page.title(), f"{where}: {word!r} in the title {page.title()!r}"
        assert word not in page.url, f"{where}: {word!r} in the URL {page.url!r}"


def test_the_story_on_a_phone_width_alert_page(new_page, db, live_server):
    _, key = brown_children_school(db)
    api = live_server.app.test_client()
    now = datetime.now(UTC).replace(microsecond=0)
    for n, days in enumerate((20, 10, 0), start=1):
        occurred = now - timedelta(days=days, hours=1)
        body = notice_body(police_reference=f"NY-{n}", occurred_at=occurred.isoformat())
        assert api.post("/api/v1/notices", json=body, headers=bearer(key)).status_code == 201
    db.expire_all()
    alerts = {
        ref: alert
        for alert, ref in db.exec(
            select(Alert, Notice.police_reference)
            .join(Child, Child.id == Alert.child_id)
            .join(Notice, Notice.id == Child.notice_id)
        ).all()
    }
    helen = db.exec(select(User).where(User.email == DSL)).one()
    acknowledge(
        db, alerts["NY-1"], user_id=helen.id, note=FIRST_NOTE, now=now, acknowledged_as="dsl"
    )
    db.commit()

    dsl = new_page(PHONE_SE)
    dsl.goto(f"/alerts/{alerts['NY-3'].id}")
    sign_in(dsl, DSL)
    expect(dsl.locator("#story-count")).to_contain_text("This is notification 3 about this child.")
    expect(dsl.locator(".app-story__entry")).to_have_count(2)
    expect(dsl.locator(".app-story")).to_contain_text(FIRST_NOTE)
    expect(dsl.locator(".app-story")).not_to_contain_text("<span")
    dsl.locator("#story-heading").scroll_into_view_if_needed()
    check_page(dsl, "70-dsl-child-story-phone", phone=True)
    _no_names(dsl, "the alert page")

    # The first notice, a week on: what followed, recorded from the phone.
    dsl.goto(f"/alerts/{alerts['NY-1'].id}")
    dsl.get_by_role("link", name="Record what followed").click()
    expect(dsl.get_by_role("heading", level=1)).to_have_text("What followed")
    check_page(dsl, "71-dsl-follow-up-phone", phone=True)
    _no_names(dsl, "the follow-up page")
    dsl.get_by_role("button", name="Save what followed").click()
    expect(dsl.locator(".govuk-error-summary")).to_contain_text("Select the support given")
    check_page(dsl, "72-dsl-follow-up-errors-phone", phone=True)
    dsl.get_by_label("More absences than usual").check()
    dsl.get_by_label("Some concerns (quieter, upset, unsettled)").check()
    dsl.get_by_label("Regular check-ins with a trusted adult").check()
    dsl.get_by_label("Early help").check()
    dsl.get_by_role("button", name="Save what followed").click()
    expect(dsl.locator("#follow-up")).to_contain_text("More absences than usual")
    _no_names(dsl, "the alert page after saving")

    # The third notice's story now shows what followed the first.
    dsl.goto(f"/alerts/{alerts['NY-3'].id}")
    expect(dsl.locator(".app-story")).to_contain_text("Referral: early help")
    check_page(dsl, "73-dsl-child-story-follow-up-phone", phone=True)

    # The council's list: three notices in 20 days, with what followed the first.
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    council = new_page(PHONE_SE)
    council.goto("/admin/children/repeated")
    sign_in(council, COORDINATOR)
    expect(council.locator("#repeated")).to_contain_text("Amelia Brown")
    expect(council.locator("#repeated")).to_contain_text("recorded: early help")
    check_page(council, "74-coordinator-repeated-children-phone")
    _no_names(council, "the council's list")
