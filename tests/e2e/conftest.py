"""Real parts for end-to-end tests: a fake Twilio HTTP server and an aiosmtpd SMTP server.

`app` is redefined here so every e2e test (and the `db` and `client` fixtures built on
it) runs against an app whose SMS and voice go to the fake Twilio and whose e-mail goes
to the local SMTP server.
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.e2e.fake_twilio import FakeTwilio


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # A long Subject is folded onto a continuation line (legal RFC 5322); the stdlib
        # parser keeps the fold's leading space, which mail clients drop.
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        """The decoded text of every part of the message."""
        parts = self.message.walk() if self.message.is_multipart() else [self.message]
        return "\n".join(str(p.get_content()) for p in parts if p.get_content_maintype() == "text")


@dataclass
class CollectingHandler:
    """aiosmtpd handler: accepts every message and keeps it, parsed."""

    messages: list[ReceivedMail] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: CollectingHandler

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.handler.messages

    def refuse(self, address: str) -> None:
        """Answer RCPT TO for this address with 550 (no such mailbox)."""
        self.handler.refused.add(address.lower())

    def config(self) -> dict[str, Any]:
        return {
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.port,
            "MAIL_FROM": "encompass@example.org",
        }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    handler = CollectingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SMTPServer("127.0.0.1", port, handler)
    controller.stop()


@pytest.fixture
def wired_config(fake_twilio: FakeTwilio, smtp_server: SMTPServer) -> dict[str, Any]:
    """Configuration that sends SMS/voice to the fake Twilio and e-mail to the SMTP server."""
    return {**fake_twilio.config(), **smtp_server.config()}


@pytest.fixture
def app(make_app: Any, wired_config: dict[str, Any]) -> Any:
    return make_app(**wired_config)
