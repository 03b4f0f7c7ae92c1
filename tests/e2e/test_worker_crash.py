"""A worker killed with SIGKILL mid-send, then two workers racing for the same due work.

Every due step still fires, none twice; a message caught mid-send goes out at most once
more; nothing fires after acknowledgement. Real processes (`encompass worker`), the real
database, the fake Twilio; the test waits on conditions, never on a clock.
"""

from __future__ import annotations

import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import col, select

from encompass.alerts.ack import acknowledge
from encompass.models import Alert, Delivery
from tests.clock import sitecustomize as test_clock
from tests.e2e.processes import start_worker, wait_for
from tests.e2e.scenario import MONDAY_MORNING, school_ready_for_notices, submit_notice
from tests.factories import create_key_adult

pytestmark = pytest.mark.clock

NOTICES = 10
# Per unacknowledged alert: the DSL's SMS and e-mail; at due_by the deputy's SMS and
# e-mail and a call to the DSL; the head's SMS and call. The coordinator's SMS and e-mail
# count every alert reaching the council in the same pass (see alerts/council.py).
EXPECTED_PER_ALERT = {
    "alert": 2,
    "escalation:deputy": 3,
    "escalation:head": 2,
}
COUNCIL = "escalation:coordinator"
# The workers run at 11:30 that Monday: every step of the ladder (the last at due_by 08:45
# plus 60 minutes) is overdue, and it is not the SMS quiet hours.
WORKERS_START = MONDAY_MORNING + timedelta(hours=4)


def test_it_survives_a_worker_killed_mid_send_and_two_workers_racing(
    app, client, db, fake_twilio, tmp_path
):
    school = school_ready_for_notices(db)
    create_key_adult(db, school.setting, "deputy", "Raj Patel", phone="+447911100002")
    create_key_adult(db, school.setting, "head", "Siobhan ONeill", phone="+447911100003")
    create_key_adult(db, None, "coordinator", "Claire Booth", phone="+447911100099", la_code="816")
    with time_machine.travel(MONDAY_MORNING, tick=False):
        for n in range(NOTICES):
            submit_notice(client, school, police_reference=f"NY-CRASH-{n}")
    # The test and its workers share one clock: the whole ladder is due at once.
    with test_clock.shared(WORKERS_START) as clock:
        _crash_and_race(app, db, fake_twilio, tmp_path, clock)


def _crash_and_race(app, db, fake_twilio, tmp_path, clock) -> None:
    fake_twilio.answer_next("hang")

    first = start_worker(app, fake_twilio, tmp_path, clock, DELIVERY_SENDING_TIMEOUT_SECONDS="2")
    try:
        wait_for(lambda: any(r.answer == "hang" for r in fake_twilio.requests), "a send to hang")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()

    # Half the alerts are acknowledged while no worker runs.
    db.expire_all()
    alerts = db.exec(select(Alert).order_by(col(Alert.id))).all()
    acked_at = datetime.now(UTC)
    for alert in alerts[: NOTICES // 2]:
        acknowledge(db, alert, user_id=None, note="Seen; support planned", now=acked_at)  # type: ignore[arg-type]
    db.commit()
    acked = {a.id for a in alerts[: NOTICES // 2]}

    racers = [
        start_worker(app, fake_twilio, tmp_path, clock, DELIVERY_SENDING_TIMEOUT_SECONDS="2")
        for _ in range(2)
    ]
    try:

        def settled() -> bool:
            db.expire_all()
            busy = db.exec(
                select(Delivery.id).where(col(Delivery.status).in_(["created", "sending"]))
            ).first()
            pending = db.exec(
                select(Alert.id).where(
                    col(Alert.next_step_at).is_not(None), col(Alert.acknowledged_at).is_(None)
                )
            ).first()
            return busy is None and pending is None

        wait_for(settled, "every due step to fire and every message to settle")
    finally:
        for proc in racers:
            proc.terminate()
        for proc in racers:
            proc.wait(timeout=10)

    db.expire_all()
    deliveries = db.exec(select(Delivery)).all()
    for alert in alerts:
        mine = [d for d in deliveries if d.alert_id == alert.id]
        if alert.id in acked:
            # Nothing was created after the acknowledgement, and nothing went after it.
            assert all(d.created_at <= acked_at for d in mine)
            assert {d.status for d in mine} <= {"sent", "cancelled"}
        else:
            ladder = Counter(d.reason for d in mine if d.reason != COUNCIL)
            assert ladder == EXPECTED_PER_ALERT, alert.id
            assert {d.status for d in mine} == {"sent"}, alert.id
    council = [d for d in deliveries if d.reason == COUNCIL]
    council_sms = [d for d in council if d.channel == "sms"]
    assert {d.status for d in council} == {"sent"}
    assert 1 <= len(council_sms) <= NOTICES // 2
    # A message is requested from Twilio at most twice: the one caught mid-send, once more.
    per_body = Counter(r.form.get("Body") for r in fake_twilio.requests if r.kind == "sms")
    assert max(per_body.values()) <= 2
    assert sum(1 for n in per_body.values() if n == 2) <= 8  # at most the killed worker's batch
