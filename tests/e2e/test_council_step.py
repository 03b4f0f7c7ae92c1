"""The council's step is never late: 25 alerts of one council escalating in the same minute
reach the coordinator as one SMS and one e-mail, at due_by + 60 minutes, even when the
coordinator's phone is over its hourly limit. Rate limits still hold everyone else."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlmodel import col, select

from encompass.models import Alert, Delivery
from encompass.worker import tick
from tests.e2e.scenario import MONDAY_MORNING
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    notice_body,
)

DUE = MONDAY_MORNING.replace(hour=8, minute=45)
COUNCIL_AT = DUE + timedelta(minutes=60)
COORDINATOR_PHONE = "+447911100099"
COORDINATOR_EMAIL = "claire.booth@york.example.gov.uk"


def _council_with_25_alerts(client, db):
    """Five settings of council 816, five notices each; and a sixth setting with nobody."""
    _, key = create_force(db)
    create_key_adult(
        db,
        None,
        "coordinator",
        "Claire Booth",
        email=COORDINATOR_EMAIL,
        phone=COORDINATOR_PHONE,
        la_code="816",
    )
    for school in range(5):
        setting = create_setting(db, urn=f"12120{school}", name=f"School {school}")
        for n, role in enumerate(("dsl", "deputy", "head")):
            create_key_adult(
                db, setting, role, f"Staff {school} {role}", phone=f"+4479111{school}{n:04d}"
            )
        create_pupil(db, setting)
        with time_machine.travel(MONDAY_MORNING, tick=False):
            for n in range(5):
                body = notice_body(police_reference=f"NY-{school}-{n}")
                body["children"][0]["setting_urn"] = setting.urn
                response = client.post("/api/v1/notices", json=body, headers=bearer(key))
                assert response.status_code == 201, response.get_json()
    return key


def test_it_tells_the_coordinator_once_at_the_promised_time(
    make_app, wired_config, db, fake_twilio, smtp_server
):
    app = make_app(**wired_config, SMS_PER_RECIPIENT_PER_HOUR=1)
    client = app.test_client()
    _council_with_25_alerts(client, db)
    alerts = db.exec(select(Alert)).all()
    assert len(alerts) == 25 and {a.due_by for a in alerts} == {DUE}

    for moment in (MONDAY_MORNING, DUE, DUE + timedelta(minutes=30)):
        with time_machine.travel(moment, tick=False):
            tick(app, moment)
    # The coordinator's phone has had its one SMS this hour (a message sent at 09:30).
    with time_machine.travel(DUE + timedelta(minutes=45), tick=False):
        db.add(
            Delivery(
                channel="sms",
                to_address=COORDINATOR_PHONE,
                body="Operation Encompass: an earlier message.",
                status="sent",
                reason="phone_verification",
                due_at=DUE + timedelta(minutes=45),
                sent_at=DUE + timedelta(minutes=45),
            )
        )
        db.commit()
    before = len(fake_twilio.messages)

    with time_machine.travel(COUNCIL_AT - timedelta(seconds=1), tick=False):
        tick(app, COUNCIL_AT - timedelta(seconds=1))
    assert [m for m in fake_twilio.messages[before:] if m.form["To"] == COORDINATOR_PHONE] == []

    with time_machine.travel(COUNCIL_AT, tick=False):
        tick(app, COUNCIL_AT)

    to_coordinator = [m for m in fake_twilio.messages if m.form["To"] == COORDINATOR_PHONE]
    assert len(to_coordinator) == 1
    assert to_coordinator[0].form["Body"] == (
        "Operation Encompass: 25 notifications need the council: not acknowledged by their "
        "settings, support was needed before 08:45 Mon 23 Nov. "
        "Sign in to view: http://localhost/admin/attention"
    )
    mails = [m for m in smtp_server.messages if m.rcpt_tos == [COORDINATOR_EMAIL]]
    assert [m.subject for m in mails] == ["Operation Encompass: 25 notifications need the council"]
    db.expire_all()
    council = db.exec(select(Delivery).where(Delivery.reason == "escalation:coordinator")).all()
    assert sorted((d.channel, d.status, d.sent_at) for d in council) == [
        ("email", "sent", COUNCIL_AT),
        ("sms", "sent", COUNCIL_AT),
    ]
    assert {a.status for a in db.exec(select(Alert))} == {"escalated"}
    # Everyone else's limit still holds: the deputies' texts beyond one an hour wait.
    held = db.exec(
        select(Delivery).where(
            Delivery.status == "created", col(Delivery.error_code) == "rate-limited"
        )
    ).all()
    assert held and COORDINATOR_PHONE not in {d.to_address for d in held}
