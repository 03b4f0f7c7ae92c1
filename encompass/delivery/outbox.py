"""Queue a message. Nothing leaves the service except through here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from encompass.delivery.status import CREATED
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
        status=CREATED,
        created_at=now or due_at,
        updated_at=now or due_at,
    )
    session.add(delivery)
    return delivery
