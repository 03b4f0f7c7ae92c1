"""What a pass of work is about to send: per-recipient links and queued messages, gathered
in memory and written together (one INSERT per table). Who to send them to is
alerts/recipients.py.

Nothing leaves the service without a Delivery row: the worker sends only what is written
here (or by delivery/queue.py, for the odd single message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlmodel import Session

from encompass.alerts.policy import AlertPolicy
from encompass.auth.passwords import new_token, token_hash
from encompass.delivery.status import CREATED
from encompass.models import AlertLink, Delivery
from encompass.models.alerts import CHANNELS

_LINKS: Table = AlertLink.__table__  # type: ignore[attr-defined]
_DELIVERIES: Table = Delivery.__table__  # type: ignore[attr-defined]


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
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        # Every row has the same keys: the driver sends them as one multi-row INSERT.
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
                "status": CREATED,
                "due_at": due_at,
                "attempts": 0,
                "fallback_of": fallback_of,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )

    def write(self, session: Session) -> int:
        """Insert everything gathered (in the session's transaction); returns messages written."""
        written = len(self.messages)
        conn = session.connection()
        if self.links:
            conn.execute(insert(_LINKS), self.links)
        if self.messages:
            conn.execute(insert(_DELIVERIES), self.messages)
        self.links, self.messages = [], []
        return written
