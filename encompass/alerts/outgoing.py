"""What a pass of work is about to send: per-recipient links and queued messages, gathered
in memory and written together (one INSERT per table). Who to send them to is
alerts/recipients.py.

Nothing leaves the service without a Delivery row, and delivery/outbox.py writes every
one: the messages gathered here go to it together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlmodel import Session

from encompass.alerts.policy import AlertPolicy
from encompass.auth.passwords import new_token, token_hash
from encompass.delivery.outbox import message_row, queue_rows
from encompass.models import AlertLink

_LINKS: Table = AlertLink.__table__  # type: ignore[attr-defined]


class AlertLike(Protocol):
    """What a message needs to know of its alert (an Alert, or a row of the timer query)."""

    @property
    def id(self) -> int | None: ...

    @property
    def due_by(self) -> datetime | None: ...


@dataclass
class Outgoing:
    """Links and messages made at `now`, kept until write()."""

    now: datetime
    policy: AlertPolicy
    links: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def link(self, alert_id: int, key_adult_id: int, due_by: datetime | None = None) -> str:
        """A fresh per-recipient link; only its hash is stored.

        It lives for the link lifetime counted from when it is sent or from the alert's
        deadline, whichever is later: a notice that arrives early in a holiday is still
        readable from its link on the first morning back.
        """
        token = new_token()
        expires = self.now + self.policy.link_ttl
        if due_by is not None:
            expires = max(expires, due_by + self.policy.link_ttl)
        self.links.append(
            {
                "alert_id": alert_id,
                "key_adult_id": key_adult_id,
                "token_hash": token_hash(token),
                "created_at": self.now,
                "expires_at": expires,
            }
        )
        return f"{self.policy.base_url}/a/{token}"

    def message(
        self,
        *,
        channel: str,
        to_address: str,
        body: str,
        due_at: datetime,
        alert_id: int | None,
        key_adult_id: int | None,
        reason: str,
        subject: str = "",
        fallback_of: int | None = None,
    ) -> None:
        self.messages.append(
            message_row(
                channel=channel,
                to_address=to_address,
                body=body,
                due_at=due_at,
                now=self.now,
                subject=subject,
                alert_id=alert_id,
                key_adult_id=key_adult_id,
                reason=reason,
                fallback_of=fallback_of,
            )
        )

    def to_person(
        self,
        channels: list[str],
        *,
        phone: str | None,
        email: str | None,
        texts: tuple[str, str, tuple[str, str]],
        phone_due: datetime,
        alert_id: int | None,
        key_adult_id: int | None,
        reason: str,
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
        """Insert everything gathered (in the session's transaction); returns messages written."""
        written = len(self.messages)
        conn = session.connection()
        if self.links:
            conn.execute(insert(_LINKS), self.links)
        queue_rows(session, self.messages)
        self.links, self.messages = [], []
        return written
