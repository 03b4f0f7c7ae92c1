"""The outbox: the one way to queue a message, and the one writer of new Delivery rows.

Nothing leaves the service except through here: the worker sends only what is written
here. A pass of work gathers its messages in an `Outbox` made at `now` and writes them
together (one multi-row INSERT); every row starts `created` (the table's default, the
delivery lifecycle's first state).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, col

from encompass.lifecycles.delivery import CANCELLED, CREATED, DELIVERY
from encompass.models import Delivery
from encompass.models.alerts import CHANNELS

_DELIVERIES: Table = Delivery.__table__  # type: ignore[attr-defined]


@dataclass
class Outbox:
    """Messages made at `now`, kept until write()."""

    now: datetime
    messages: list[dict[str, Any]] = field(default_factory=list)

    def message(
        self,
        *,
        channel: str,
        to_address: str,
        body: str,
        due_at: datetime,
        reason: str,
        subject: str = "",
        alert_id: int | None = None,
        key_adult_id: int | None = None,
        fallback_of: int | None = None,
    ) -> None:
        """One message. Every row has the same keys, so the driver sends them as one
        multi-row INSERT."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        self.messages.append(
            {
                "alert_id": alert_id,
                "key_adult_id": key_adult_id,
                "reason": reason,
                "channel": channel,
                "transport": "",
                "to_address": to_address,
                "subject": subject,
                "body": body,
                "due_at": due_at,
                "attempts": 0,
                "fallback_of": fallback_of,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )

    def to_person(
        self,
        channels: list[str] | tuple[str, ...],
        *,
        phone: str | None,
        email: str | None,
        texts: tuple[str, str, tuple[str, str]],
        phone_due: datetime,
        reason: str,
        alert_id: int | None = None,
        key_adult_id: int | None = None,
        fallback_of: int | None = None,
    ) -> int:
        """One person's messages on these channels: a text and a call when they have a phone
        (due at `phone_due`), an e-mail now when they have an address. `texts` is the SMS,
        the spoken words and the e-mail's (subject, body). Returns how many were queued."""
        sms, voice, (subject, body) = texts
        common: dict[str, Any] = {
            "alert_id": alert_id,
            "key_adult_id": key_adult_id,
            "reason": reason,
            "fallback_of": fallback_of,
        }
        queued = 0
        if "sms" in channels and phone:
            self.message(channel="sms", to_address=phone, body=sms, due_at=phone_due, **common)
            queued += 1
        if "voice" in channels and phone:
            self.message(channel="voice", to_address=phone, body=voice, due_at=phone_due, **common)
            queued += 1
        if "email" in channels and email:
            self.message(
                channel="email",
                to_address=email,
                subject=subject,
                body=body,
                due_at=self.now,
                **common,
            )
            queued += 1
        return queued

    def write(self, session: Session) -> int:
        """Insert the messages gathered, in the session's transaction; returns how many."""
        written = len(self.messages)
        if self.messages:
            session.connection().execute(insert(_DELIVERIES), self.messages)
        self.messages = []
        return written


def cancel_unsent(session: Session, alert_id: int | None, now: datetime) -> None:
    """Nothing still waiting to be sent about this alert goes out now."""
    DELIVERY.move_all(
        session,
        CANCELLED,
        col(Delivery.alert_id) == alert_id,
        col(Delivery.status) == CREATED,  # one being sent is checked again before it goes
        updated_at=now,
    )
