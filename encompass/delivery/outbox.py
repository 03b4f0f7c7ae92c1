"""Queue messages: the one writer of Delivery rows. Nothing leaves the service except
through here: the worker sends only what is written here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, col

from encompass.lifecycles.delivery import CANCELLED, CREATED, DELIVERY
from encompass.models import Delivery
from encompass.models.alerts import CHANNELS


def queue_message(
    session: Session,
    *,
    channel: str,
    to_address: str,
    body: str,
    due_at: datetime,
    subject: str = "",
    alert_id: int | None = None,
    key_adult_id: int | None = None,
    reason: str = "alert",
    now: datetime | None = None,
) -> Delivery:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    delivery = Delivery(
        channel=channel,
        to_address=to_address,
        subject=subject,
        body=body,
        due_at=due_at,
        alert_id=alert_id,
        key_adult_id=key_adult_id,
        reason=reason,
        created_at=now or due_at,
        updated_at=now or due_at,
    )
    session.add(delivery)
    return delivery


_DELIVERIES: Table = Delivery.__table__  # type: ignore[attr-defined]


def message_row(
    *,
    channel: str,
    to_address: str,
    body: str,
    due_at: datetime,
    now: datetime,
    subject: str = "",
    alert_id: int | None = None,
    key_adult_id: int | None = None,
    reason: str = "alert",
    fallback_of: int | None = None,
) -> dict[str, Any]:
    """A message to queue with others (queue_rows): every row has the same keys, so the
    driver sends them as one multi-row INSERT. Its status is the table's default (created)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return {
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
        "created_at": now,
        "updated_at": now,
    }


def queue_rows(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert messages made by message_row, in the session's transaction; returns how many."""
    if rows:
        session.connection().execute(insert(_DELIVERIES), rows)
    return len(rows)


def cancel_unsent(session: Session, alert_id: int | None, now: datetime) -> None:
    """Nothing still waiting to be sent about this alert goes out now."""
    DELIVERY.move_all(
        session,
        CANCELLED,
        col(Delivery.alert_id) == alert_id,
        col(Delivery.status) == CREATED,  # one being sent is checked again before it goes
        updated_at=now,
    )
