"""From a police notice to an acknowledged alert, through a real HTTP Twilio and real SMTP."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from encompass.worker import tick
from tests.e2e.scenario import (
    DSL_EMAIL,
    DSL_PHONE,
    MONDAY_MORNING,
    delivery,
    school_ready_for_notices,
    submit_notice,
)
from tests.factories import PASSWORD, bearer, notice_body
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.clock

NOTE = "Class teacher will check in at 8:45; DSL to meet at break"
SMS_LINK = re.compile(
    r"^Operation Encompass: new notification for (?P<name>.+), support needed before "
    r"(?P<due>\d\d:\d\d \w{3} \d{1,2} \w{3})\. "
    r"Sign in to view: http://localhost/a/(?P<token>[A-Za-z0-9_-]+)$"
)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        yield clock


def _personal_data() -> list[str]:
    """Everything about the child and the incident that must never leave in a message."""
    body = notice_body()
    child = body["children"][0]
    return [
        child["given_name"],
        child["family_name"],
        "2019-04-03",
        "03/04/2019",
        "3/4/2019",
        "3 April 2019",
        "03 April 2019",
        "April 3, 2019",
        child["address"],
        child["postcode"],
        child["postcode"].replace(" ", ""),
        body["circumstances"],
        child["voice_of_child"],
        child["where"],
    ]


def _assert_no_personal_data(text: str, where: str) -> None:
    for value in _personal_data():
        assert value.lower() not in text.lower(), f"{value!r} leaked in the {where}"


def test_it_takes_a_notice_to_an_acknowledged_alert_the_police_can_see(
    app, db, client, fake_twilio, smtp_server
):
    school = school_ready_for_notices(db)

    notice = submit_notice(client, school)
    assert notice["children"][0]["outcome"] == "matched"
    assert notice["children"][0]["alert"]["status"] == "pending"
    assert (
        fake_twilio.requests == [] and smtp_server.messages == []
    )  # nothing leaves until the worker runs

    tick(app)

    # Exactly one SMS, through Twilio's REST API with the account's credentials.
    assert len(fake_twilio.requests) == 1
    [sms] = fake_twilio.messages
    assert sms.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert sms.auth == (fake_twilio.account_sid, fake_twilio.auth_token)
    assert sms.form["To"] == DSL_PHONE
    assert sms.form["From"] == fake_twilio.from_number
    assert sms.form["StatusCallback"] == "http://localhost/twilio/status"
    match = SMS_LINK.match(sms.form["Body"])
    assert match, sms.form["Body"]
    token = match["token"]
    assert sms.form["Body"] == (
        "Operation Encompass: new notification for St Wilfrid's RC Primary School, support "
        f"needed before 08:45 Mon 23 Nov. Sign in to view: http://localhost/a/{token}"
    )
    _assert_no_personal_data(sms.form["Body"], "SMS body")
    sms_row = delivery(db, "sms")
    assert (sms_row.status, sms_row.transport, sms_row.provider_id) == ("sent", "twilio", sms.sid)

    # Exactly one e-mail, carrying the same link and nothing about the child.
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [DSL_EMAIL]
    assert mail.message["To"] == DSL_EMAIL
    assert mail.subject == (
        "Operation Encompass: new notification for St Wilfrid's RC Primary School, "
        "support needed before 08:45 Mon 23 Nov"
    )
    assert mail.text.startswith("Support is needed before 08:45 Mon 23 Nov.")
    assert f"http://localhost/a/{token}" in mail.text
    _assert_no_personal_data(mail.subject, "e-mail subject")
    _assert_no_personal_data(mail.text, "e-mail body")
    _assert_no_personal_data(mail.message.as_string(), "raw e-mail")
    assert delivery(db, "email").status == "sent"

    # The link asks for sign-in first and shows nothing.
    response = client.get(f"/a/{token}")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    assert parse_qs(urlsplit(login_url).query)["next"] == [f"/a/{token}"]
    login_page = client.get(login_url).get_data(as_text=True)
    assert "Amelia" not in login_page

    # Signing in returns the DSL to the link, which leads to the alert.
    response = client.post(
        login_url,
        data={"email": DSL_EMAIL, "password": PASSWORD, "csrf_token": csrf_token(login_page)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{token}"
    response = client.get(f"/a/{token}")
    assert response.status_code == 302
    alert_url = response.headers["Location"]
    assert re.fullmatch(r"/alerts/\d+", alert_url)
    page = client.get(alert_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<title>Notification for St Wilfrid&#39;s RC Primary School" in html
    assert "Amelia Brown" in html
    assert "3 April 2019" in html

    # An acknowledgement needs a note of the support planned.
    response = client.post(alert_url, data={"note": "", "csrf_token": csrf_token(html)})
    assert response.status_code == 400
    assert "Enter the support you have planned for the child" in response.get_data(as_text=True)
    response = client.post(alert_url, data={"note": "   ", "csrf_token": csrf_token(html)})
    assert response.status_code == 400

    response = client.post(alert_url, data={"note": NOTE, "csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert response.headers["Location"] == alert_url
    acknowledged_page = client.get(alert_url).get_data(as_text=True)
    assert "Acknowledged" in acknowledged_page
    assert NOTE in acknowledged_page

    # The police see the outcome; another force cannot see the notice at all.
    response = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(school.force_key))
    assert response.status_code == 200
    alert = response.get_json()["children"][0]["alert"]
    assert alert["status"] == "acknowledged"
    assert alert["acknowledged_at"]
    assert alert["sent_at"]
    assert alert["feedback"] == NOTE
    response = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(school.other_force_key))
    assert response.status_code == 404
    assert "Amelia" not in response.get_data(as_text=True)

    # Nothing more goes out once the alert is acknowledged.
    assert tick(app) == {}
    assert len(fake_twilio.requests) == 1
    assert len(smtp_server.messages) == 1


def test_it_sends_nothing_twice_when_the_police_resend_the_same_notice(
    app, db, client, fake_twilio, smtp_server
):
    school = school_ready_for_notices(db)
    first = submit_notice(client, school)
    tick(app)

    again = client.post("/api/v1/notices", json=notice_body(), headers=bearer(school.force_key))
    tick(app)

    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert len(fake_twilio.requests) == 1
    assert len(smtp_server.messages) == 1


def test_it_refuses_a_second_acknowledgement_and_keeps_the_first_note(
    app, db, client, fake_twilio, smtp_server
):
    school = school_ready_for_notices(db)
    notice = submit_notice(client, school)
    tick(app)
    match = SMS_LINK.match(fake_twilio.messages[0].form["Body"])
    assert match
    token = match["token"]
    sign_in(client, DSL_EMAIL)
    alert_url = client.get(f"/a/{token}").headers["Location"]
    html = client.get(alert_url).get_data(as_text=True)
    assert (
        client.post(alert_url, data={"note": NOTE, "csrf_token": csrf_token(html)}).status_code
        == 302
    )

    again = client.post(alert_url, data={"note": "Something else", "csrf_token": csrf_token(html)})
    no_csrf = client.post(alert_url, data={"note": "Something else"})

    assert again.status_code == 409
    assert no_csrf.status_code == 400
    alert = client.get(
        f"/api/v1/notices/{notice['id']}", headers=bearer(school.force_key)
    ).get_json()
    assert alert["children"][0]["alert"]["feedback"] == NOTE


def test_it_holds_the_sms_through_quiet_hours_but_emails_at_once(
    app, db, client, fake_twilio, smtp_server, monday_morning
):
    sunday_night = MONDAY_MORNING.replace(day=22, hour=23, minute=0)
    monday_0700 = MONDAY_MORNING.replace(hour=7, minute=0)
    monday_morning.move_to(sunday_night)
    submit_notice(
        client,
        school_ready_for_notices(db),
        occurred_at=(sunday_night - timedelta(hours=1)).isoformat(),
    )

    tick(app)
    assert fake_twilio.requests == []
    assert len(smtp_server.messages) == 1
    assert delivery(db, "sms").due_at == monday_0700

    monday_morning.move_to(monday_0700)
    tick(app)

    assert len(fake_twilio.messages) == 1
    assert delivery(db, "sms").sent_at == monday_0700
    assert len(smtp_server.messages) == 1
