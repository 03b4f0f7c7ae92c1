"""Due messages are claimed once, sent once, and never after acknowledgement."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from encompass.db import session_scope
from encompass.delivery.attempts import DeliveryPolicy, claim_due, time_out_stuck
from encompass.models import Alert, Delivery
from encompass.policies import policies
from encompass.worker import tick
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    notice_body,
    queue_message,
)

pytestmark = pytest.mark.clock

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
# A Monday in term, mid-morning: outside the SMS quiet hours (21:00-07:00 London).
SCHOOL_DAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _queue(db, n):
    for i in range(n):
        queue_message(db, channel="email", to_address=f"k{i}@example.org", body="x", due_at=NOW)
    db.commit()


def test_it_claims_each_due_message_exactly_once_across_racing_workers(app, db):
    _queue(db, 60)
    engine = app.extensions["encompass_engine"]

    def worker(_):
        claimed = []
        for _ in range(10):
            with session_scope(engine) as session:
                claimed += claim_due(session, NOW, policies(app).delivery, limit=7)
        return claimed

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(worker, range(3)))

    everything = [i for r in results for i in r]
    assert len(everything) == 60
    assert len(set(everything)) == 60


def test_it_does_not_claim_messages_due_later(app, db):
    queue_message(
        db, channel="email", to_address="a@example.org", body="x", due_at=NOW + timedelta(minutes=1)
    )
    db.commit()

    with session_scope(app.extensions["encompass_engine"]) as session:
        assert claim_due(session, NOW, policies(app).delivery) == []


def test_it_hands_back_a_message_stuck_in_sending(app, db):
    _queue(db, 1)
    engine = app.extensions["encompass_engine"]
    with session_scope(engine) as session:
        [claimed] = claim_due(session, NOW, policies(app).delivery)
        policy = replace(
            DeliveryPolicy.from_config(app.config), sending_timeout=timedelta(minutes=5)
        )
        assert time_out_stuck(session, NOW + timedelta(minutes=4), policy) == 0
        assert time_out_stuck(session, NOW + timedelta(minutes=6), policy) == 1
    db.expire_all()
    delivery = db.get(Delivery, claimed)
    assert (delivery.status, delivery.attempts) == ("created", 1)


@time_machine.travel(SCHOOL_DAY, tick=False)
def test_it_sends_nothing_about_an_alert_acknowledged_before_the_tick(app, client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    with session_scope(app.extensions["encompass_engine"]) as session:
        alert = session.exec(select(Alert)).one()
        alert.acknowledged_at = datetime.now(UTC)
        session.add(alert)

    # The rows were still 'created' (a direct write cancels nothing): the send step itself
    # checks the alert immediately before sending, and cancels instead.
    assert tick(app) == {"cancelled": 2}
    assert {d.status for d in db.exec(select(Delivery))} == {"cancelled"}


@time_machine.travel(SCHOOL_DAY, tick=False)
def test_it_sends_the_alert_through_the_outbox_and_marks_it_sent(app, client, db):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    created = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key)).json

    assert tick(app) == {"sent": 2}
    assert tick(app) == {}

    shown = client.get(f"/api/v1/notices/{created['id']}", headers=bearer(key)).json
    assert shown["children"][0]["alert"]["status"] == "sent"
    assert shown["children"][0]["alert"]["sent_at"] is not None
    deliveries = db.exec(select(Delivery)).all()
    assert {(d.channel, d.transport, d.status) for d in deliveries} == {
        ("sms", "outbox", "sent"),
        ("email", "outbox", "sent"),
    }


def _stick(app, now):
    """A worker claims the one due message and dies before the provider answers."""
    with session_scope(app.extensions["encompass_engine"]) as session:
        return claim_due(session, now, policies(app).delivery)


@time_machine.travel(SCHOOL_DAY, tick=False)
def test_it_retries_a_stuck_sms_once_then_fails_it_to_a_call(app, client, db):
    setting = create_setting(db)
    adult = create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    engine = app.extensions["encompass_engine"]
    sms = db.exec(select(Delivery).where(Delivery.channel == "sms")).one()
    policy = replace(DeliveryPolicy.from_config(app.config), sending_timeout=timedelta(minutes=5))
    later = SCHOOL_DAY + timedelta(minutes=6)

    # Stuck once (the SMS and the e-mail): sent again on the same channel.
    assert sms.id in _stick(app, SCHOOL_DAY)
    with session_scope(engine) as session:
        assert time_out_stuck(session, later, policy) == 2
    db.expire_all()
    retried = db.get(Delivery, sms.id)
    assert (retried.status, retried.error_code, retried.attempts) == (
        "created",
        "sending-timeout",
        1,
    )

    # Stuck again: it fails, and the same person is called instead.
    assert sms.id in _stick(app, later)
    with session_scope(engine) as session:
        assert time_out_stuck(session, later + timedelta(minutes=6), policy) == 2
    db.expire_all()
    failed = db.get(Delivery, sms.id)
    assert (failed.status, failed.error_code, failed.attempts) == ("failed", "sending-timeout", 2)
    with time_machine.travel(later + timedelta(minutes=6), tick=False):
        counts = tick(app)
    assert counts["failures_followed_up"] == 2  # the e-mail was the last channel
    call = db.exec(select(Delivery).where(Delivery.channel == "voice")).one()
    assert (call.key_adult_id, call.fallback_of, call.status) == (adult.id, sms.id, "sent")
    assert db.get(Delivery, sms.id).status == "failed"  # not sent a third time


def test_it_fails_a_stuck_message_that_has_used_its_attempts(app, db):
    _queue(db, 1)
    engine = app.extensions["encompass_engine"]
    policy = replace(
        DeliveryPolicy.from_config(app.config), max_attempts=1, sending_timeout=timedelta(minutes=5)
    )
    [claimed] = _stick(app, NOW)
    with session_scope(engine) as session:
        assert time_out_stuck(session, NOW + timedelta(minutes=6), policy) == 1
    db.expire_all()
    assert db.get(Delivery, claimed).status == "failed"


def test_a_group_of_answers_lands_in_one_write_each_on_its_own_row_and_a_late_one_on_none(app, db):
    """The answers a busy worker writes together (delivery/attempts.py `_record`): several
    sent, two failed for a while, one whose row was timed out while it was out (late): each
    row gets its own provider id, time and error; the late row is left as the timeout left
    it, and is reported late."""
    from encompass.delivery.attempts import LATE, _Answer, _Ready, _record
    from encompass.delivery.transports import OutboundMessage, SendResult, TransportError

    _queue(db, 6)
    engine = app.extensions["encompass_engine"]
    policy = replace(policies(app).delivery, sending_timeout=timedelta(minutes=5))
    with session_scope(engine) as session:
        claimed = claim_due(session, NOW, policy)
    assert len(claimed) == 6
    late_id = claimed[5]
    with session_scope(engine) as session:  # the sixth is timed out meanwhile
        session.get(Delivery, late_id).claimed_at = NOW - timedelta(minutes=10)
    with session_scope(engine) as session:
        assert time_out_stuck(session, NOW, policy) == 1

    def ready(i):
        message = OutboundMessage(channel="email", to=f"k{i}@example.org", body="x")
        return _Ready(delivery_id=claimed[i], alert_id=None, message=message, attempt=1)

    answers = [
        *(_Answer(ready(i), "smtp", 10 + i, result=SendResult(f"id-{i}")) for i in range(3)),
        *(
            _Answer(
                ready(i),
                "smtp",
                20 + i,
                error=TransportError("busy", permanent=False, code=f"4{i}"),
            )
            for i in (3, 4)
        ),
        _Answer(ready(5), "smtp", 30, result=SendResult("id-late")),
    ]

    statuses = _record(engine, answers, policy, NOW)

    assert statuses == ["sent", "sent", "sent", "created", "created", LATE]
    db.expire_all()
    rows = {d.id: d for d in db.exec(select(Delivery))}
    for i in range(3):
        row = rows[claimed[i]]
        assert (row.status, row.provider_id, row.provider_ms) == ("sent", f"id-{i}", 10 + i)
    for i in (3, 4):
        row = rows[claimed[i]]
        assert (row.status, row.error_code, row.provider_ms) == ("created", f"4{i}", 20 + i)
        assert row.due_at.replace(tzinfo=UTC) > NOW
    late = rows[late_id]
    assert (late.status, late.provider_id) == ("created", None)
