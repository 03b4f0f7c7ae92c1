"""Twilio faults, through a real HTTP fake: permanent errors stop, temporary ones retry.

Time is frozen with time_machine and moved on explicitly; nothing waits on the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from encompass.worker import tick
from tests.e2e.scenario import (
    DSL_EMAIL,
    MONDAY_MORNING,
    delivery,
    school_ready_for_notices,
    submit_notice,
)

pytestmark = pytest.mark.clock

T0 = MONDAY_MORNING


def test_it_fails_an_invalid_number_for_good_and_still_sends_the_email(
    app, db, client, fake_twilio, smtp_server
):
    with time_machine.travel(T0, tick=False) as clock:
        school = school_ready_for_notices(db)
        submit_notice(client, school)
        fake_twilio.answer_next("invalid_number")

        tick(app)

        sms = delivery(db, "sms")
        assert sms.status == "failed"
        assert sms.error_code == "21211"
        assert "not a valid phone number" in (sms.error_message or "")
        assert sms.attempts == 1
        assert len(smtp_server.messages) == 1
        assert delivery(db, "email").status == "sent"
        # A 4xx is permanent: the same person is tried by voice instead, and the
        # coordinator is shown that the number was refused.
        voice = delivery(db, "voice")
        assert (voice.fallback_of, voice.status) == (sms.id, "sent")
        db.refresh(school.key_adult)
        assert school.key_adult.contact_failure == "sms refused (21211)"

        clock.move_to(T0 + timedelta(hours=2))
        tick(app)

    sms_requests = [r for r in fake_twilio.requests if r.kind == "sms"]
    assert len(sms_requests) == 1
    assert delivery(db, "sms").status == "failed"


def test_it_retries_after_a_twilio_server_error_once_the_backoff_has_passed(
    app, db, client, fake_twilio, smtp_server
):
    with time_machine.travel(T0, tick=False) as clock:
        submit_notice(client, school_ready_for_notices(db))
        fake_twilio.answer_next("server_error")

        tick(app)

        sms = delivery(db, "sms")
        assert sms.status == "created"
        assert sms.error_code == "20500"
        assert sms.attempts == 1
        assert sms.due_at > T0
        retry_at = sms.due_at
        assert len(smtp_server.messages) == 1  # the e-mail does not wait for the SMS

        clock.move_to(retry_at - timedelta(seconds=1))
        assert tick(app) == {}
        assert len(fake_twilio.requests) == 1

        clock.move_to(retry_at)
        assert tick(app) == {"sent": 1}

    sms = delivery(db, "sms")
    assert sms.status == "sent"
    assert sms.attempts == 2
    assert sms.sent_at == retry_at
    assert [r.answer for r in fake_twilio.requests] == ["server_error", "ok"]
    assert sms.provider_id == fake_twilio.messages[0].sid
    assert len(smtp_server.messages) == 1


def test_it_treats_a_twilio_timeout_as_temporary_and_retries(
    make_app, wired_config, fake_twilio, smtp_server
):
    from sqlmodel import Session

    app = make_app(**wired_config, TWILIO_TIMEOUT_SECONDS=0.5)
    client = app.test_client()
    with (
        Session(app.extensions["encompass_engine"], expire_on_commit=False) as db,
        time_machine.travel(T0, tick=False) as clock,
    ):
        submit_notice(client, school_ready_for_notices(db))
        fake_twilio.answer_next("hang")

        tick(app)

        sms = delivery(db, "sms")
        assert (sms.status, sms.error_code, sms.attempts) == ("created", "timeout", 1)
        assert sms.due_at > T0
        assert delivery(db, "email").status == "sent"

        clock.move_to(sms.due_at)
        assert tick(app) == {"sent": 1}

        sms = delivery(db, "sms")
        assert (sms.status, sms.attempts) == ("sent", 2)
    assert [r.answer for r in fake_twilio.requests] == ["hang", "ok"]
    assert len(fake_twilio.messages) == 1
    assert len(smtp_server.messages) == 1


def test_it_gives_up_after_the_last_attempt_when_twilio_keeps_failing(
    app, db, client, fake_twilio, smtp_server
):
    fake_twilio.answer_always("server_error")
    with time_machine.travel(T0, tick=False) as clock:
        submit_notice(client, school_ready_for_notices(db))
        tick(app)
        waits = []
        while delivery(db, "sms").status == "created":
            due_at = delivery(db, "sms").due_at
            waits.append(due_at - datetime.now(UTC))
            clock.move_to(due_at)
            tick(app)

    sms = delivery(db, "sms")
    assert sms.status == "failed"
    assert sms.attempts == app.config["DELIVERY_MAX_ATTEMPTS"] == 5
    assert len([r for r in fake_twilio.requests if r.kind == "sms"]) == 5
    assert waits == sorted(waits) and waits[0] < waits[-1]  # backs off, longer each time
    assert len(smtp_server.messages) == 1
    # Temporary failures are not the contact's fault: no flag, but the next channel is tried.
    assert delivery(db, "voice").fallback_of == sms.id


def test_it_retries_when_twilio_cannot_be_reached_at_all(app, db, client, fake_twilio, smtp_server):
    fake_twilio.stop()  # nothing listens on the port now: connection refused
    with time_machine.travel(T0, tick=False):
        submit_notice(client, school_ready_for_notices(db))

        tick(app)

    sms = delivery(db, "sms")
    assert (sms.status, sms.error_code, sms.attempts) == ("created", "network", 1)
    assert sms.due_at > T0
    assert delivery(db, "email").status == "sent"


def test_it_fails_an_email_the_mail_server_refuses_and_still_sends_the_sms(
    app, db, client, fake_twilio, smtp_server
):
    smtp_server.refuse(DSL_EMAIL)
    with time_machine.travel(T0, tick=False) as clock:
        submit_notice(client, school_ready_for_notices(db))

        tick(app)
        clock.move_to(T0 + timedelta(hours=2))
        tick(app)

    email = delivery(db, "email")
    assert (email.status, email.error_code, email.attempts) == ("failed", "smtp-recipient", 1)
    assert smtp_server.messages == []
    assert delivery(db, "sms").status == "sent"
    assert len(fake_twilio.messages) == 1
