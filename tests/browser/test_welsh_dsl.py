"""A DSL at a school in Wales opens the alert link on a small phone, switches to Welsh,
reads the alert and acknowledges it: every page Welsh (<html lang="cy">) and axe clean."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from encompass.language import catalogue
from encompass.models import Alert, Delivery, User
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

DSL_EMAIL = "eleri.jones@ysgol.example.org"
SCHOOL = "Ysgol Gymraeg Bro Alaw"
NOTE = "Bydd Eleri yn cwrdd ag Amelia wrth y giât am 8:40."


def _alert_link(db) -> str:
    """The link in the alert's text message, whatever its words (another helper's)."""
    db.expire_all()
    sms = db.exec(
        select(Delivery).where(Delivery.channel == "sms", Delivery.reason == "alert")
    ).first()
    assert sms is not None
    match = re.search(r"https?://\S+/a/[A-Za-z0-9_-]+", sms.body)
    assert match, sms.body
    return match.group(0)


def test_a_dsl_in_wales_reads_and_acknowledges_in_welsh_on_a_phone(new_page, db, live_server):
    setting = create_setting(db, name=SCHOOL, nation="wales")
    create_key_adult(db, setting, "dsl", "Eleri Jones", email=DSL_EMAIL)
    create_pupil(db, setting)
    create_user(db, DSL_EMAIL, "dsl", setting_urn=setting.urn)
    _, key = create_force(db, "North Wales Police")
    response = live_server.app.test_client().post(
        "/api/v1/notices", json=notice_body(), headers=bearer(key)
    )
    assert response.status_code == 201, response.get_json()

    dsl = new_page(SMALL_PHONE)
    dsl.goto(_alert_link(db))
    expect(dsl).to_have_url(re.compile(r"/login\?next="))
    sign_in(dsl, DSL_EMAIL)
    expect(dsl.get_by_role("heading", level=1)).to_have_text(f"Notification for {SCHOOL}")

    # The switch at the top of the page: the same page, in Welsh.
    switch = dsl.locator("[data-language-switch]")
    expect(switch).to_have_text("Cymraeg")
    expect(switch).to_have_attribute("lang", "cy")
    switch.click()
    expect(dsl.locator("html")).to_have_attribute("lang", "cy")
    expect(dsl.get_by_role("heading", level=1)).to_have_text(f"Hysbysiad ar gyfer {SCHOOL}")
    expect(dsl.locator("#deadline")).to_contain_text(re.compile(r"Angen cymorth cyn \d\d:\d\d"))
    expect(dsl.locator("#record")).to_have_text("Beth gofnododd yr heddlu")
    check_page(dsl, "welsh-01-alert-small-phone", phone=True)

    # Acknowledging without a note: the error in Welsh, and the summary leads to the box.
    dsl.get_by_role("button", name="Cydnabod a chofnodi'r cymorth").click()
    expect(dsl).to_have_title(re.compile(r"^Gwall: Hysbysiad ar gyfer "))
    summary = dsl.locator(".govuk-error-summary")
    expect(summary).to_contain_text(catalogue("cy").gettext("There is a problem"))
    expect(summary).to_contain_text("Rhowch y cymorth rydych wedi'i gynllunio ar gyfer y plentyn")
    check_page(dsl, "welsh-02-alert-error-small-phone", phone=True)

    dsl.get_by_label("Pa gymorth ydych chi wedi'i gynllunio ar gyfer y plentyn?").fill(NOTE)
    dsl.get_by_role("button", name="Cydnabod a chofnodi'r cymorth").click()
    expect(dsl.locator(".govuk-panel")).to_contain_text("Wedi'i gydnabod")
    expect(dsl.locator("html")).to_have_attribute("lang", "cy")
    expect(dsl.get_by_label("Crynodeb ar gyfer eich cofnodion")).to_have_value(
        re.compile("Cymorth a gynlluniwyd: " + re.escape(NOTE))
    )
    check_page(dsl, "welsh-03-acknowledged-small-phone", phone=True)

    dsl.get_by_role("link", name="Pob hysbysiad").click()
    expect(dsl.get_by_role("heading", level=1)).to_have_text("Hysbysiadau")
    expect(dsl.locator(".app-card")).to_contain_text("Wedi'i gydnabod")
    check_page(dsl, "welsh-04-inbox-small-phone", phone=True)

    # The account page asks the language, each named in itself.
    dsl.goto("/account")
    expect(dsl.get_by_role("heading", level=1)).to_have_text("Eich cyfrif")
    expect(dsl.get_by_label("Cymraeg")).to_be_checked()
    expect(dsl.locator("label[for=language]")).to_have_attribute("lang", "cy")
    check_page(dsl, "welsh-05-account-small-phone", phone=True)

    db.expire_all()
    assert db.exec(select(Alert)).one().feedback == NOTE
    # The switch kept the choice on the account: the next messages follow it too.
    assert db.exec(select(User).where(User.email == DSL_EMAIL)).one().language == "cy"
