"""Getting in at 07:45 on a 375x667 phone, in Chromium: a DSL who has forgotten her password
opens the alert's link, is told a notification is waiting, resets the password from the
e-mail (caught by the local SMTP server) and lands on the alert; a coordinator resets a
DSL's authenticator app from the setting's page, and the DSL sets up a new one from its
QR code."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlmodel import select

from encompass import policies
from encompass.auth.two_factor import code_at_step, new_secret, step_at
from encompass.models import KeyAdult, User
from encompass.worker import tick
from tests.browser.pages import check_page, sign_in
from tests.browser.test_ladder_people import _link_in_mail
from tests.browser.world import DSL, brown_children_school
from tests.factories import PASSWORD, bearer, create_user, notice_body

SMALL_PHONE = {"width": 375, "height": 667}
NEW_PASSWORD = "kettle orange bicycle window"
COORDINATOR = "claire.booth@york.example.gov.uk"


def _linked_dsl(db) -> User:
    """The world's DSL, her account linked to her Key Adult row (as the setting page does)."""
    user = db.exec(select(User).where(User.email == DSL)).one()
    adult = db.exec(select(KeyAdult).where(KeyAdult.email == DSL)).one()
    adult.user_id = user.id
    db.add(adult)
    db.commit()
    return user


def test_a_dsl_who_forgot_her_password_resets_it_from_the_email_and_reads_the_alert(
    new_page,
    live_server,
    smtp_server,
    client,
    db,  # noqa: F811
):
    app = live_server.app
    app.config.update(smtp_server.config())
    policies.install(app)  # the worker's transports are read from the policies
    _, key = brown_children_school(db)
    _linked_dsl(db)
    sent = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    assert sent.status_code == 201, sent.get_json()
    tick(app, datetime.now(UTC))
    alert_link = _link_in_mail(smtp_server, DSL, "a")

    phone = new_page(SMALL_PHONE)
    phone.goto(alert_link)
    expect(phone.locator("#alert-waiting")).to_contain_text("A notification is waiting for you")
    expect(phone.locator("main")).not_to_contain_text("St Wilfrid")
    check_page(phone, "40-alert-link-signed-out-phone", phone=True)
    phone.get_by_role("link", name="Forgotten your password?").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(phone, "41-forgotten-password-phone", phone=True)
    phone.get_by_label("Email address").fill(DSL)
    phone.get_by_role("button", name="Send me a link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    check_page(phone, "42-reset-sent-phone", phone=True)

    tick(app, datetime.now(UTC))  # the worker sends the e-mail
    phone.goto(_link_in_mail(smtp_server, DSL, "password-reset"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(phone, "43-choose-new-password-phone", phone=True)
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save new password and continue").click()

    # Straight on to the notification she came for.
    expect(phone).to_have_url(re.compile(r"/alerts/\d+$"))
    expect(phone.locator("#deadline")).to_contain_text("Support needed before")
    # The link in the e-mail has done its job.
    again = new_page(SMALL_PHONE)
    again.goto(_link_in_mail(smtp_server, DSL, "password-reset"))
    expect(again.get_by_role("heading", level=1)).to_have_text("This link has expired")
    check_page(again, "44-reset-link-used-phone", phone=True)


def test_a_coordinator_resets_a_dsls_authenticator_app_and_she_sets_up_a_new_one(
    new_page, live_server, db
):
    school, _ = brown_children_school(db)
    dsl = _linked_dsl(db)
    dsl.totp_secret, dsl.totp_enabled_at = new_secret(), datetime.now(UTC)
    db.add(dsl)
    db.commit()
    create_user(db, COORDINATOR, "coordinator", la_code=school.la_code)

    council = new_page()
    council.goto("/login")
    sign_in(council, COORDINATOR)
    council.goto(f"/admin/settings/{school.id}")
    expect(council.locator("main")).to_contain_text("Authenticator app set up")
    council.get_by_role("button", name="Reset authenticator app of Helen Carter").click()
    expect(council.locator(".govuk-notification-banner")).to_contain_text(
        "Helen Carter's authenticator app is reset"
    )
    expect(council.locator("main")).not_to_contain_text("Authenticator app set up")
    check_page(council, "45-coordinator-reset-authenticator")

    # The DSL, on her phone, signs in with her password alone and sets up a new app.
    phone = new_page(SMALL_PHONE)
    phone.goto("/login")
    sign_in(phone, DSL)
    expect(phone).not_to_have_url(re.compile(r"/login"))
    phone.get_by_role("button", name="Menu").click()  # the menu is folded on a phone
    phone.get_by_role("link", name="Your account").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your account")
    check_page(phone, "46-dsl-account-phone", phone=True)
    phone.get_by_role("link", name="Set up an authenticator app").click()
    qr = phone.get_by_role("img", name=re.compile("QR code to scan"))
    expect(qr).to_be_visible()
    key = phone.locator("#totp-secret")
    # The QR code and the key sit side by side, or the key just under the code: both in view.
    assert qr.bounding_box()["y"] < 667 * 2 and key.bounding_box()["width"] <= 375
    check_page(phone, "47-dsl-set-up-authenticator-qr-phone", phone=True)
    secret = key.inner_text().replace(" ", "")
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key.inner_text())
    phone.get_by_label("Code from your authenticator app").fill(
        code_at_step(secret, step_at(datetime.now(UTC)))
    )
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text(
        "Your authenticator app is set up"
    )


def test_a_coordinator_remembers_her_laptop_for_the_day_then_forgets_it(new_page, db):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    council = new_page()
    council.goto("/login")
    sign_in(council, COORDINATOR)  # sets the app up: the first sign-in
    council.get_by_role("link", name="Your account").click()
    council.get_by_role("button", name="Sign out everywhere").click()
    expect(council.locator(".govuk-notification-banner")).to_contain_text("signed out everywhere")

    # Signing in again: the code, and "do not ask on this device" ticked.
    council.get_by_label("Email address").fill(COORDINATOR)
    council.get_by_label("Password", exact=True).fill(PASSWORD)
    council.get_by_role("button", name="Sign in").click()
    expect(council.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    check_page(council, "48-coordinator-code-remember-device")
    db.expire_all()
    secret = db.exec(select(User).where(User.email == COORDINATOR)).one().totp_secret
    council.get_by_label("Code from your authenticator app").fill(
        code_at_step(secret, step_at(datetime.now(UTC)) + 1)
    )
    council.get_by_label(re.compile("Do not ask for a code on this device until")).check()
    council.get_by_role("button", name="Continue").click()
    council.get_by_role("link", name="Your account").click()
    expect(council.locator("#remembered-devices")).to_contain_text("(this device)")
    check_page(council, "49-coordinator-account-remembered-device")
    council.get_by_role("button", name=re.compile("Forget this device")).click()
    expect(council.locator(".govuk-notification-banner")).to_contain_text("no longer remembered")
    expect(council.locator("#remembered-devices")).to_have_count(0)


def test_an_admin_resets_a_coordinators_lost_authenticator_app(new_page, db):
    admin_email = "admin@council.example.gov.uk"
    create_user(db, admin_email, "admin")
    coordinator = create_user(db, COORDINATOR, "coordinator", la_code="816")
    coordinator.totp_secret, coordinator.totp_enabled_at = new_secret(), datetime.now(UTC)
    db.add(coordinator)
    db.commit()

    admin = new_page()
    admin.goto("/login")
    sign_in(admin, admin_email)
    admin.get_by_role("link", name="Coordinators").click()
    expect(admin.locator("main")).to_contain_text("Authenticator app set up")
    check_page(admin, "51-admin-coordinators")
    admin.get_by_role("button", name=f"Reset authenticator app for {COORDINATOR}").click()
    expect(admin.locator(".govuk-notification-banner")).to_contain_text(
        "authenticator app is reset"
    )
    expect(admin.locator("main")).not_to_contain_text("Authenticator app set up")
    check_page(admin, "52-admin-coordinator-app-reset")
