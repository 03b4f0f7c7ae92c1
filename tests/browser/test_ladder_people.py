"""Everyone the ladder reaches can act, in Chromium: a DSL invited by `contacts import` sets
a password from the e-mail (caught by the local SMTP server) and acknowledges; a deputy
reached by escalation, whose mobile was never verified, is sent from the escalation
e-mail's link to his invitation e-mail first; a coordinator sets up an
authenticator app and acknowledges on the setting's behalf once the council is reached."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlmodel import select

from encompass import policies
from encompass.auth.two_factor import code_at_step, step_at
from encompass.models import Alert
from encompass.worker import tick
from tests.browser.pages import PHONE, check_page
from tests.factories import bearer, create_force, create_pupil, create_setting, notice_body

PASSWORD = "four words make a password"
DSL, DEPUTY = "helen.carter@school.example.org", "raj.patel@school.example.org"
COORDINATOR = "claire.booth@york.example.gov.uk"


def _link_in_mail(smtp, to: str, kind: str, nth: int = -1) -> str:
    mails = [m for m in smtp.messages if m.rcpt_tos == [to]]
    links = [
        match.group(0)
        for m in mails
        if (match := re.search(rf"http://127\.0\.0\.1:\d+/{kind}/[A-Za-z0-9_-]+", m.text))
    ]
    assert links, f"no /{kind}/ link e-mailed to {to}: {[m.subject for m in mails]}"
    return links[nth]


def _set_password(page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    check_page(page, name, phone=True)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    page.wait_for_load_state("load")


def _acknowledge(page, name: str, note: str) -> None:
    expect(page.locator("#deadline")).to_contain_text("Support needed before")
    check_page(page, name, phone=True)
    page.get_by_label("What support have you planned for the child?").fill(note)
    page.get_by_role("button", name="Acknowledge and record support").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Acknowledged")


def _council_with_three_alerts(cli, client, db, tmp_path):
    setting = create_setting(db)
    create_pupil(db, setting)
    _, key = create_force(db)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "setting_urn,role,name,email,phone,la_code\n"
        f"{setting.urn},dsl,Helen Carter,{DSL},07911100001,\n"
        f"{setting.urn},deputy,Raj Patel,{DEPUTY},07911100002,\n"
        f",coordinator,Claire Booth,{COORDINATOR},07911100099,816\n"
    )
    result = cli("contacts", "import", str(contacts))
    assert result.exit_code == 0, result.output
    for n in range(3):
        response = client.post(
            "/api/v1/notices", json=notice_body(police_reference=f"NY-{n}"), headers=bearer(key)
        )
        assert response.status_code == 201, response.get_json()
    return db.exec(select(Alert).order_by(Alert.id)).all()


def test_key_adults_invited_by_import_and_reached_by_escalation_all_act(
    new_page,
    live_server,
    smtp_server,
    cli,
    client,
    db,
    tmp_path,  # noqa: F811
):
    app = live_server.app
    app.config.update(smtp_server.config())
    policies.install(app)  # the worker's transports are read from the policies
    alerts = _council_with_three_alerts(cli, client, db, tmp_path)
    due_by = alerts[0].due_by
    tick(app, datetime.now(UTC))

    # The DSL sets a password from the invitation e-mail, then opens the alert's e-mail link.
    dsl = new_page(PHONE)
    dsl.goto(_link_in_mail(smtp_server, DSL, "invitation"))
    _set_password(dsl, "20-dsl-set-password-phone")
    dsl.goto(_link_in_mail(smtp_server, DSL, "a", nth=0))
    _acknowledge(dsl, "21-dsl-alert-phone", "Helen will meet the child at the gate.")

    # Nobody else acknowledges: at the deadline the ladder reaches the deputy, who has not
    # opened the invitation and whose mobile was never verified. The escalation's link does
    # not make a password: it sends him to his invitation e-mail, then back to the alert.
    tick(app, due_by)
    deputy = new_page(PHONE)
    alert_link = _link_in_mail(smtp_server, DEPUTY, "a", nth=0)
    deputy.goto(alert_link)
    expect(deputy.get_by_role("heading", level=1)).to_have_text(
        "Check your e-mail for your invitation"
    )
    check_page(deputy, "22-deputy-check-invitation-phone", phone=True)
    deputy.goto(_link_in_mail(smtp_server, DEPUTY, "invitation"))
    _set_password(deputy, "22-deputy-set-password-phone")
    deputy.goto(alert_link)
    _acknowledge(deputy, "23-deputy-alert-phone", "Raj will check in at registration.")

    # An hour after the deadline the council is told about the one left, and acts for the
    # setting: the coordinator's invitation, an authenticator app, then Needs attention.
    tick(app, due_by + timedelta(minutes=30))
    tick(app, due_by + timedelta(minutes=60))
    council = new_page()
    council.goto(_link_in_mail(smtp_server, COORDINATOR, "invitation"))
    _set_password(council, "24-coordinator-set-password")
    expect(council).to_have_url(re.compile(r"/login/two-factor"))
    check_page(council, "25-coordinator-two-factor")
    secret = council.locator("#totp-secret").inner_text().replace(" ", "")
    council.get_by_label("Code from your authenticator app").fill(
        code_at_step(secret, step_at(datetime.now(UTC)))
    )
    council.get_by_role("button", name="Continue").click()
    council.get_by_role("link", name="Needs attention").first.click()
    card = council.locator(".app-attention")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Escalated")
    expect(card).to_contain_text("07911 100002")
    expect(card).to_contain_text("to Raj Patel (Deputy DSL)")
    check_page(council, "26-coordinator-needs-attention")
    card.get_by_role("link", name="Amelia Brown").click()
    expect(council.get_by_role("heading", name="Act for the council")).to_be_visible()
    check_page(council, "27-coordinator-alert")
    council.get_by_label("What support has been planned for the child?").fill(
        "Called the school at 09:50: the head will see the child this morning."
    )
    council.get_by_role("button", name="Acknowledge on the setting's behalf").click()
    expect(council.locator(".govuk-panel")).to_contain_text("Acknowledged")
    expect(council.locator("main")).to_contain_text("Acknowledged by the council")
    check_page(council, "28-coordinator-acknowledged")

    db.expire_all()
    done = db.exec(select(Alert).order_by(Alert.id)).all()
    assert sorted(a.acknowledged_as for a in done) == ["council", "deputy", "dsl"]
