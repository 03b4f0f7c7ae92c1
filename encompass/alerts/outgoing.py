"""What a pass of work about alerts is about to send: per-recipient links and queued
messages, gathered in memory and written together (one INSERT per table). Who to send
them to is alerts/recipients.py.

Nothing leaves the service without a Delivery row: the messages gathered here are the
outbox's (delivery/outbox.py), written with the links.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlmodel import Session

from encompass.alerts.policy import AlertPolicy
from encompass.auth.passwords import new_token, token_hash
from encompass.delivery.outbox import Outbox
from encompass.models import AlertLink

_LINKS: Table = AlertLink.__table__  # type: ignore[attr-defined]


class AlertLike(Protocol):
    """What a message needs to know of its alert (an Alert, or a row of the timer query)."""

    @property
    def id(self) -> int | None: ...

    @property
    def due_by(self) -> datetime | None: ...


class Outgoing(Outbox):
    """An outbox for alerts: with the per-recipient links its messages carry."""

    def __init__(self, now: datetime, policy: AlertPolicy) -> None:
        super().__init__(now)
        self.policy = policy
        self.links: list[dict[str, Any]] = []

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

    def write(self, session: Session) -> int:
        """Insert the links and messages gathered (in the session's transaction); returns
        how many messages were written."""
        if self.links:
            session.connection().execute(insert(_LINKS), self.links)
        self.links = []
        return super().write(session)
