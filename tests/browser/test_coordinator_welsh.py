"""A coordinator in Wales onboards a setting in Welsh: the switch, a new setting, a Key
Adult who reads Welsh; every page says lang="cy" and passes axe on a small phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from encompass.models import KeyAdult, Setting
from tests.browser.pages import SMALL_PHONE, check_page, sign_in
from tests.factories import create_user

COORDINATOR = "coordinator@cardiff.example.gov.uk"
SCHOOL = "Ysgol Gymraeg Treganna"


def _welsh(page, name: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    check_page(page, name, phone=True)


def test_a_coordinator_onboards_a_setting_in_welsh(new_page, db) -> None:
    create_user(db, COORDINATOR, "coordinator", la_code="681")
    page = new_page(viewport=SMALL_PHONE)
    page.goto("/")
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")

    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lleoliadau")
    _welsh(page, "cy-01-coordinator-settings")

    page.get_by_role("link", name="Ychwanegu lleoliad â llaw").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ychwanegu lleoliad")
    _welsh(page, "cy-02-add-setting")
    page.get_by_role("button", name="Ychwanegu lleoliad").click()
    expect(page).to_have_title(re.compile("^Gwall: Ychwanegu lleoliad"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Rhowch URN y lleoliad")
    _welsh(page, "cy-03-add-setting-errors")
    page.get_by_label("URN", exact=True).fill("401234")
    page.get_by_label("Enw", exact=True).fill(SCHOOL)
    page.get_by_label("Ysgol", exact=True).check()
    page.get_by_role("button", name="Ychwanegu lleoliad").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Ychwanegwyd {SCHOOL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    _welsh(page, "cy-04-setting")

    page.get_by_role("button", name="Ychwanegu Oedolyn Allweddol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ychwanegu Oedolyn Allweddol")
    _welsh(page, "cy-05-add-key-adult")
    page.get_by_label("Person diogelu dynodedig", exact=True).check()
    page.get_by_label("Enw llawn").fill("Siân Jones")
    page.get_by_label("Cyfeiriad e-bost").fill("sian@ysgol.example.org")
    page.get_by_label("Rhif ffôn symudol").fill("07400 123456")
    page.get_by_label("Cymraeg", exact=True).check()
    page.get_by_role("button", name="Ychwanegu Oedolyn Allweddol").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Ychwanegwyd Siân Jones fel Person diogelu dynodedig"
    )
    _welsh(page, "cy-06-setting-with-key-adult")

    db.expire_all()
    setting = db.exec(select(Setting).where(Setting.urn == "401234")).one()
    adult = db.exec(select(KeyAdult).where(KeyAdult.setting_id == setting.id)).one()
    assert (adult.role, adult.language) == ("dsl", "cy")
