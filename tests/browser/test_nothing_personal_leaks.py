"""Nothing personal where it can leak: a whole journey, and every title, URL, message and
log line it produced searched for the children's names, dates of birth, address and the
circumstances. Alert links appear in logs only shortened.

The journey: a control room submits a notice for two children (one matched, one the
council must place) -> the worker sends the alerts -> the DSL signs in from the text
message, reads and acknowledges -> the police look at the outcome -> the coordinator
decides the review -> the worker alerts again. Served by Werkzeug's own request handler,
so its access log is part of what is searched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from encompass.calendar.quiet_hours import quiet_hours_end
from encompass.db import utcnow
from encompass.models import Delivery
from encompass.policies import policies
from encompass.worker import tick
from tests.browser.conftest import LiveServer, serving
from tests.browser.pages import check_page, sign_in, unfold
from tests.browser.world import DSL, POLICE, brown_children_school
from tests.factories import (
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
)

COORDINATOR = "coordinator@york.example.gov.uk"
CIRCUMSTANCES = "Verbal argument escalated; neighbours called police."
VOICE = "said she was scared; quiet, clinging to mother"
# What must never be in a title, URL, message or log line.
PERSONAL = [
    "Amelia",
    "Oliver",
    "Brown",
    "2019-04-03",
    "3 April 2019",
    "03/04/2019",
    "2021-06-01",
    "1 June 2021",
    "01/06/2021",
    "12 Low Street",
    "Low Street",
    CIRCUMSTANCES,
    "neighbours called police",
    VOICE,
    "clinging to mother",
]


@pytest.fixture
def live_server(make_app: Any) -> Iterator[LiveServer]:
    """As conftest's, but with Werkzeug's own request handler: its access log included."""
    with serving(make_app()) as server:
        yield server


class Trail:
    """Everything a journey leaves where others can see it."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.urls: list[str] = []

    def watch(self, page: Any) -> Any:
        page.on("request", lambda request: self.urls.append(request.url))
        return page

    def seen(self, page: Any) -> None:
        page.wait_for_load_state("load")
        self.titles.append(page.title())
        self.urls.append(page.url)


def _world(db) -> None:
    brown_children_school(db)
    # Oliver is on a second school's roll too: the council must decide.
    other = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_key_adult(db, other, "dsl", "Ravi Patel", email="ravi@clifton.example.org")
    create_pupil(db, other, given_name="Oliver", date_of_birth=date(2021, 6, 1))
    create_user(db, COORDINATOR, "coordinator", la_code="816")


def _fill(page: Any) -> None:
    occurred = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=2)
    for selector, value in {
        "#police_reference": "NY-2026-004211",
        "#occurred_on-day": str(occurred.day),
        "#occurred_on-month": str(occurred.month),
        "#occurred_on-year": str(occurred.year),
        "#occurred_time": occurred.strftime("%H:%M"),
        "#location_postcode": "YO1 7HH",
        "#circumstances": CIRCUMSTANCES,
        "#officer_name": "PC Jane Doe",
        "#officer_contact_phone": "0121 234 5678",
        "#children-0-given_name": "Amelia",
        "#children-0-family_name": "Brown",
        "#children-0-date_of_birth-day": "3",
        "#children-0-date_of_birth-month": "4",
        "#children-0-date_of_birth-year": "2019",
        "#children-0-postcode": "YO1 7HH",
        "#children-0-address": "12 Low Street",
        "#children-0-voice_of_child": VOICE,
        "#adults-0-given_name": "Sam",
        "#adults-0-family_name": "Smith",
        "#adults-0-relationship_to_children": "mother",
    }.items():
        if selector == "#children-0-voice_of_child":
            unfold(page, "#children-0-more")
        page.fill(selector, value)
    page.check("#risk_level-2")
    page.check("#children-0-present")
    page.check("#children-0-spoken_to")
    unfold(page, "#children-0-more")
    page.check("#children-0-other_adult_present-2")
    page.check("#adults-0-role")
    page.get_by_role("button", name="Add another child").click()
    page.fill("#children-1-given_name", "Oliver")
    page.fill("#children-1-family_name", "Brown")
    page.fill("#children-1-date_of_birth-day", "1")
    page.fill("#children-1-date_of_birth-month", "6")
    page.fill("#children-1-date_of_birth-year", "2021")
    page.check("#children-1-same_address")
    page.check("#children-1-present-2")
    page.check("#children-1-spoken_to-2")
    unfold(page, "#children-1-more")
    page.check("#children-1-other_adult_present-2")


def _awake(app) -> datetime:
    """Now, or when the SMS quiet hours end if now is inside them: the worker's pass then
    sends the text messages (at 06:00 it would only hold them)."""
    alerts = policies(app).alerts
    now = utcnow()
    return quiet_hours_end(now, alerts.tz, alerts.quiet_start, alerts.quiet_end) or now


def _links(db) -> list[str]:
    db.expire_all()
    bodies = db.exec(select(Delivery.body).where(Delivery.channel == "sms")).all()
    return [m for body in bodies for m in re.findall(r"https?://\S+/a/\S+", body)]


def test_a_whole_journey_leaves_nothing_personal_in_titles_urls_messages_or_logs(
    new_page, db, live_server, caplog
):
    caplog.set_level(logging.DEBUG)
    _world(db)
    trail = Trail()
    app = live_server.app

    # The control room submits a notice for two children.
    police = trail.watch(new_page())
    police.goto("/police/notices/new")
    sign_in(police, POLICE)
    trail.seen(police)
    _fill(police)
    trail.seen(police)
    police.get_by_role("button", name="Submit notice", exact=True).click()
    expect(police.locator(".govuk-notification-banner")).to_contain_text("submitted")
    trail.seen(police)
    tick(app, _awake(app))

    # The DSL follows the text message's link, signs in, reads and acknowledges.
    (link,) = _links(db)
    dsl = trail.watch(new_page())
    dsl.goto(link)
    trail.seen(dsl)
    sign_in(dsl, DSL)
    trail.seen(dsl)
    expect(dsl.locator("main")).to_contain_text("Amelia Brown")  # the page may say it
    dsl.get_by_label("What support have you planned for the child?").fill("Check-in at 8:40.")
    dsl.get_by_role("button", name="Acknowledge and record support").click()
    trail.seen(dsl)
    dsl.get_by_role("link", name="All notifications").click()
    trail.seen(dsl)

    # The police see the outcome.
    police.get_by_role("link", name="Notices", exact=True).click()
    trail.seen(police)
    police.locator("tbody a").first.click()
    trail.seen(police)

    # The coordinator decides which school Oliver attends; the worker alerts it.
    coordinator = trail.watch(new_page())
    coordinator.goto("/review/")
    sign_in(coordinator, COORDINATOR)
    trail.seen(coordinator)
    coordinator.locator("tbody tr").first.get_by_role("link").click()
    trail.seen(coordinator)
    coordinator.get_by_label(re.compile("at St Wilfrid's")).check()
    coordinator.get_by_role("button", name="Decide and send the alert").click()
    trail.seen(coordinator)
    check_page(coordinator, "50-no-leaks-review-decided")
    tick(app, _awake(app))

    db.expire_all()
    messages = [f"{d.subject}\n{d.body}" for d in db.exec(select(Delivery)).all()]
    logs = [record.getMessage() for record in caplog.records]
    assert len(messages) >= 4 and len(trail.titles) >= 10
    assert any("GET /a/" in line for line in logs), "the access log was not captured"
    assert any("outbox sms" in line for line in logs), "the outbox log was not captured"
    for kind, texts in [
        ("title", trail.titles),
        ("URL", trail.urls),
        ("message", messages),
        ("log line", logs),
    ]:
        for text in texts:
            for personal in PERSONAL:
                assert personal.lower() not in text.lower(), f"{personal!r} in a {kind}: {text}"
    tokens = {link.rsplit("/a/", 1)[1] for link in _links(db)}
    for line in logs:
        for token in tokens:
            assert token not in line, f"a whole alert link in a log line: {line}"
