"""Our Twilio requests, checked by Prism against Twilio's own OpenAPI spec (2010-04-01).

Prism answers 422 to any request the spec does not allow (`--errors`), so a send that
succeeds here is one Twilio's API accepts: right paths, auth, and form fields.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlmodel import select

from encompass.delivery.transports import OutboundMessage, TwilioSMS, TwilioVoice
from encompass.models import Delivery
from encompass.worker import tick
from tests.e2e.scenario import MONDAY_MORNING, school_ready_for_notices, submit_notice

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "tools" / "prism" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "tools" / "prism" / "twilio" / "twilio_api_v2010.json"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "prism-auth-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    if not PRISM.exists() or not SPEC.exists():
        reason = f"Prism or the Twilio spec is missing ({PRISM}, {SPEC}); scripts/bootstrap installs Prism"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    port = _free_port()
    proc = subprocess.Popen(
        [str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        # Prism prints every route it serves, then this line: wait for it, not for a clock.
        for line in proc.stdout:
            if "Prism is listening" in line:
                break
        else:
            pytest.fail("Prism exited before it was listening")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _transport(cls: type, base: str):
    return cls(
        account_sid=SID, auth_token=TOKEN, from_number="+441904551234", api_base=base, timeout=10
    )


def test_it_sends_an_sms_the_twilio_spec_accepts(prism):
    message = OutboundMessage(
        channel="sms",
        to="+447911100001",
        body="Operation Encompass: new notification for St Wilfrid's. Sign in to view: https://e.example/a/x",
        status_callback="https://encompass.example.org/twilio/status",
    )

    result = _transport(TwilioSMS, prism).send(message)

    assert re.fullmatch(r"SM[0-9a-fA-F]{32}", result.provider_id)


def test_it_places_a_call_the_twilio_spec_accepts(prism):
    message = OutboundMessage(
        channel="voice",
        to="+447911100001",
        body="This is Operation Encompass. An urgent notification is waiting.",
        status_callback="https://encompass.example.org/twilio/status",
    )

    result = _transport(TwilioVoice, prism).send(message)

    assert re.fullmatch(r"CA[0-9a-fA-F]{32}", result.provider_id)


def test_it_places_a_welsh_and_english_call_the_twilio_spec_accepts(prism):
    """The bilingual call: Polly.Gwyneth (cy-GB) then the English voice, in one TwiML."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from encompass.alerts.messages import alert_voice

    body = alert_voice(
        "Ysgol Gymraeg Bro Morgannwg",
        datetime(2026, 12, 1, 8, 45, tzinfo=UTC),
        ZoneInfo("Europe/London"),
        ("cy", "en"),
    )
    message = OutboundMessage(
        channel="voice",
        to="+447911100001",
        body=body,
        status_callback="https://encompass.example.org/twilio/status",
    )

    result = _transport(TwilioVoice, prism).send(message)

    assert re.fullmatch(r"CA[0-9a-fA-F]{32}", result.provider_id)


def test_it_sends_alerts_and_escalation_calls_through_prism_from_the_worker(make_app, db, prism):
    from datetime import timedelta

    app = make_app(
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM="+441904551234",
        TWILIO_API_BASE=prism,
    )
    client = app.test_client()
    with time_machine.travel(MONDAY_MORNING, tick=False):
        submit_notice(client, school_ready_for_notices(db))
        tick(app)
    tick(app, MONDAY_MORNING + timedelta(hours=2))  # due_by passed: the DSL gets a call

    db.expire_all()
    sent = {
        (d.channel, d.transport, d.status)
        for d in db.exec(select(Delivery))
        if d.channel != "email"
    }
    assert sent == {("sms", "twilio", "sent"), ("voice", "twilio", "sent")}
