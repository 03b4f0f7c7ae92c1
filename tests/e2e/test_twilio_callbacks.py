"""POST /twilio/status: signed delivery reports move a delivery on, and never back."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlmodel import Session, col, select
from twilio.request_validator import RequestValidator

from encompass.db import session_scope
from encompass.delivery.attempts import DeliveryPolicy, time_out_stuck
from encompass.models import Delivery
from encompass.worker import tick
from tests.e2e.fake_twilio import FakeTwilio
from tests.e2e.scenario import (
    DSL_PHONE,
    MONDAY_MORNING,
    delivery,
    school_ready_for_notices,
    submit_notice,
)
from tests.factories import create_key_adult, queue_message

pytestmark = pytest.mark.clock

CALLBACK_URL = "http://localhost/twilio/status"


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        yield clock


@pytest.fixture
def sent_sms(app, db, client, fake_twilio) -> str:
    """An alert SMS accepted by (fake) Twilio; returns its Message SID."""
    submit_notice(client, school_ready_for_notices(db))
    tick(app)
    [sms] = fake_twilio.messages
    assert delivery(db, "sms").status == "sent"
    return str(sms.sid)


def _sms_status(fake: FakeTwilio, sid: str, status: str, **extra: str) -> dict[str, str]:
    """The form Twilio posts to a message's StatusCallback."""
    return {
        "AccountSid": fake.account_sid,
        "ApiVersion": "2010-04-01",
        "From": fake.from_number,
        "To": DSL_PHONE,
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        **extra,
    }


def _post(client: Any, params: dict[str, str], signature: str | None) -> Any:
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post("/twilio/status", data=params, headers=headers)


def _signed(client: Any, fake: FakeTwilio, params: dict[str, str], url: str = CALLBACK_URL) -> Any:
    return _post(client, params, RequestValidator(fake.auth_token).compute_signature(url, params))


def test_it_marks_the_sms_delivered_on_a_signed_callback(db, client, fake_twilio, sent_sms):
    response = _signed(client, fake_twilio, _sms_status(fake_twilio, sent_sms, "delivered"))

    assert response.status_code == 204
    sms = delivery(db, "sms")
    assert sms.status == "delivered"
    assert sms.delivered_at == MONDAY_MORNING


def test_it_refuses_a_callback_whose_params_were_tampered_with(db, client, fake_twilio, sent_sms):
    params = _sms_status(fake_twilio, sent_sms, "delivered")
    signature = RequestValidator(fake_twilio.auth_token).compute_signature(CALLBACK_URL, params)
    params["MessageStatus"] = params["SmsStatus"] = "failed"

    response = _post(client, params, signature)

    assert response.status_code == 403
    assert delivery(db, "sms").status == "sent"


def test_it_refuses_a_callback_without_a_signature(db, client, fake_twilio, sent_sms):
    response = _post(client, _sms_status(fake_twilio, sent_sms, "delivered"), None)

    assert response.status_code == 403
    assert delivery(db, "sms").status == "sent"


def test_it_refuses_a_callback_signed_with_another_token(db, client, fake_twilio, sent_sms):
    params = _sms_status(fake_twilio, sent_sms, "delivered")
    signature = RequestValidator("not-the-auth-token").compute_signature(CALLBACK_URL, params)

    assert _post(client, params, signature).status_code == 403
    assert delivery(db, "sms").status == "sent"


def test_it_refuses_a_callback_signed_for_another_url(db, client, fake_twilio, sent_sms):
    params = _sms_status(fake_twilio, sent_sms, "delivered")

    response = _signed(client, fake_twilio, params, url="https://attacker.example/twilio/status")

    assert response.status_code == 403
    assert delivery(db, "sms").status == "sent"


def test_it_keeps_the_final_state_when_callbacks_repeat_or_arrive_out_of_order(
    db, client, fake_twilio, sent_sms, monday_morning
):
    assert (
        _signed(client, fake_twilio, _sms_status(fake_twilio, sent_sms, "delivered")).status_code
        == 204
    )
    monday_morning.shift(60)

    for late in ("sent", "queued", "delivered", "failed", "undelivered"):
        params = _sms_status(fake_twilio, sent_sms, late)
        assert _signed(client, fake_twilio, params).status_code == 204

    sms = delivery(db, "sms")
    assert sms.status == "delivered"
    assert sms.delivered_at == MONDAY_MORNING
    assert sms.error_code is None


def test_it_records_an_undelivered_sms_with_its_error_code(db, client, fake_twilio, sent_sms):
    params = _sms_status(fake_twilio, sent_sms, "undelivered", ErrorCode="30003")

    assert _signed(client, fake_twilio, params).status_code == 204

    sms = delivery(db, "sms")
    assert (sms.status, sms.error_code) == ("undelivered", "30003")


def test_it_ignores_a_signed_callback_for_an_unknown_message(db, client, fake_twilio, sent_sms):
    params = _sms_status(fake_twilio, "SM" + "0" * 32, "delivered")

    assert _signed(client, fake_twilio, params).status_code == 204
    assert delivery(db, "sms").status == "sent"


def test_it_checks_the_signature_against_the_public_base_url_behind_a_proxy(
    make_app, wired_config, fake_twilio
):
    """Behind a TLS-terminating proxy the request reaches Flask as http://localhost; Twilio
    signed the public https URL it was given as StatusCallback."""
    app = make_app(**wired_config, PUBLIC_BASE_URL="https://encompass.example.org")
    client = app.test_client()
    with Session(app.extensions["encompass_engine"], expire_on_commit=False) as db:
        submit_notice(client, school_ready_for_notices(db))
        tick(app)
        [sms] = fake_twilio.messages
        assert sms.form["StatusCallback"] == "https://encompass.example.org/twilio/status"
        assert "Sign in to view: https://encompass.example.org/a/" in sms.form["Body"]
        params = _sms_status(fake_twilio, str(sms.sid), "delivered")

        assert _signed(client, fake_twilio, params, url=CALLBACK_URL).status_code == 403
        response = _signed(client, fake_twilio, params, url=sms.form["StatusCallback"])

        assert response.status_code == 204
        assert delivery(db, "sms").status == "delivered"


def test_it_places_a_voice_call_and_takes_its_completed_callback(app, db, client, fake_twilio):
    queue_message(
        db,
        channel="voice",
        to_address=DSL_PHONE,
        body="Operation Encompass: new notification for St Wilfrid's. Sign in to view it.",
        due_at=MONDAY_MORNING,
        reason="escalation",
    )
    db.commit()

    assert tick(app) == {"sent": 1}

    [call] = fake_twilio.calls
    assert call.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Calls.json"
    assert call.sid.startswith("CA")
    assert call.form["To"] == DSL_PHONE
    assert call.form["StatusCallback"] == CALLBACK_URL
    assert "<Say" in call.form["Twiml"] and "Sign in to view it." in call.form["Twiml"]
    voice = delivery(db, "voice")
    assert (voice.status, voice.provider_id) == ("sent", call.sid)

    params = {
        "AccountSid": fake_twilio.account_sid,
        "CallSid": str(call.sid),
        "CallStatus": "completed",
        "To": DSL_PHONE,
        "From": fake_twilio.from_number,
        "ApiVersion": "2010-04-01",
    }
    assert _signed(client, fake_twilio, params).status_code == 204
    assert delivery(db, "voice").status == "delivered"


def _accepted_sms(db: Session) -> Delivery | None:
    """An SMS on record as accepted by Twilio, as committed now."""
    db.rollback()  # a fresh snapshot: SQLite's would stay where this transaction began
    return db.exec(
        select(Delivery).where(Delivery.channel == "sms", col(Delivery.provider_id).is_not(None))
    ).first()


def test_an_accepted_sms_is_on_record_before_a_slower_send_beside_it_finishes(
    make_app, wired_config, fake_twilio
):
    """Twilio reports on an SMS within moments of accepting it, and finds it by the id it
    gave: that id must be stored as soon as Twilio answers, not once every send the worker
    has under way has finished. One of two SMS hangs here (the client would wait 30 s);
    the other must be on record, and its report taken, while it still hangs."""
    app = make_app(**wired_config, TWILIO_TIMEOUT_SECONDS=30)
    client = app.test_client()
    with Session(app.extensions["encompass_engine"], expire_on_commit=False) as db:
        school = school_ready_for_notices(db)
        create_key_adult(
            db,
            school.setting,
            role="dsl",
            name="Sam Okafor",
            email="sam.okafor@school.example.org",
            phone="+447911100002",
        )
        db.commit()
        submit_notice(client, school)
        fake_twilio.answer_next("hang")
        worker = threading.Thread(target=tick, args=(app,), daemon=True)
        worker.start()
        accepted = None
        try:
            waited = threading.Event()
            for _ in range(500):  # up to 10 s for the worker thread, never the clock
                accepted = _accepted_sms(db)
                if accepted is not None or not worker.is_alive():
                    break
                waited.wait(0.02)
            still_hanging = worker.is_alive()
            if accepted is not None:
                params = _sms_status(fake_twilio, str(accepted.provider_id), "delivered")
                params["To"] = accepted.to_address
                report = _signed(client, fake_twilio, params)
        finally:
            fake_twilio.release_hangs()
            worker.join(timeout=60)

        assert accepted is not None, "the accepted SMS was not on record while the other hung"
        assert still_hanging
        assert report.status_code == 204
        db.rollback()
        assert db.get(Delivery, accepted.id).status == "delivered"


def _sending(db: Session) -> list[Delivery]:
    """The messages the worker has claimed and not yet finished, as committed now."""
    db.rollback()
    return list(db.exec(select(Delivery).where(Delivery.status == "sending")))


@pytest.mark.parametrize("answer", ["late_ok", "hang"])
def test_a_failed_sms_stays_failed_when_the_hung_send_answers_late(
    make_app, wired_config, fake_twilio, answer
):
    """A send hangs past the timeout and is failed for good (out of attempts); Twilio then
    answers it, accepted (and reports it delivered) or refused. The row stays failed: the
    same person is tried on the next channel, and a late answer never undoes that."""
    app = make_app(**wired_config, TWILIO_TIMEOUT_SECONDS=30, DELIVERY_MAX_ATTEMPTS=1)
    client = app.test_client()
    engine = app.extensions["encompass_engine"]
    policy = DeliveryPolicy.from_config(app.config)
    with Session(engine, expire_on_commit=False) as db:
        submit_notice(client, school_ready_for_notices(db))
        fake_twilio.answer_next(answer)
        worker = threading.Thread(target=tick, args=(app,), daemon=True)
        worker.start()
        try:
            waited = threading.Event()
            for _ in range(500):  # up to 10 s for the worker thread, never the clock
                # Only the SMS left sending (the e-mail beside it has gone), and asked for.
                sending = _sending(db)
                asked = [r for r in fake_twilio.requests if r.kind == "sms"]
                if ([d.channel for d in sending] == ["sms"] and asked) or not worker.is_alive():
                    break
                waited.wait(0.02)
            assert worker.is_alive(), "the SMS send did not hang"
            [sms] = sending
            with session_scope(engine) as session:
                later = MONDAY_MORNING + policy.sending_timeout + timedelta(seconds=1)
                assert time_out_stuck(session, later, policy) == 1
        finally:
            fake_twilio.release_hangs()
            worker.join(timeout=60)
        assert not worker.is_alive()

        db.rollback()
        sms = db.get(Delivery, sms.id)
        assert (sms.status, sms.error_code, sms.provider_id) == ("failed", "sending-timeout", None)
        if answer == "late_ok":
            [request] = fake_twilio.messages
            # Twilio took it after all, and says so: the report changes nothing either.
            report = _signed(
                client, fake_twilio, _sms_status(fake_twilio, request.sid, "delivered")
            )
            assert report.status_code == 204
        db.rollback()
        assert db.get(Delivery, sms.id).status == "failed"
