"""The red banner a coordinator sees on a phone while the worker is stale: accessible,
within the screen, and gone once a pass completes."""

from __future__ import annotations

from playwright.sync_api import expect

from encompass.worker import tick
from tests.browser.pages import PHONE, check_page, sign_in
from tests.factories import create_user

COORDINATOR = "coordinator@york.example.gov.uk"


def test_a_coordinator_sees_alerts_are_not_being_sent_until_the_worker_returns(new_page, db, app):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    page = new_page(PHONE)
    page.goto("/")
    sign_in(page, COORDINATOR)
    banner = page.get_by_role("region", name="Alerts are not being sent")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("has not completed a pass for over 120 seconds")
    check_page(page, "90-worker-stale-banner-phone", phone=True)

    tick(app)  # the worker is back
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.get_by_role("region", name="Alerts are not being sent")).to_have_count(0)
