"""Claim due deliveries, send them, record the outcome.

created -> sending -> sent -> delivered | failed | undelivered   (or cancelled before sending)

A row is claimed with a conditional update (and FOR UPDATE SKIP LOCKED on PostgreSQL), so
two workers never send the same message. The session is closed before the slow provider
call; the outcome is written in a fresh transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from encompass.db import is_postgres, session_scope
from encompass.delivery.transports import OutboundMessage, Transport, TransportError
from encompass.models import Alert, Delivery

log = logging.getLogger("encompass.delivery")


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 5
    backoff_base_seconds: int = 30
    backoff_max_seconds: int = 600
    sending_timeout: timedelta = timedelta(minutes=5)
    status_callback: str | None = None
    # Messages to one phone on one channel in any hour: no SMS storm to one person.
    per_recipient_hourly: dict[str, int] = field(default_factory=lambda: {"sms": 10, "voice": 4})
    concurrency: int = 8

    def backoff(self, attempts: int) -> timedelta:
        seconds = self.backoff_base_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.backoff_max_seconds))


def claim_due(
    session: Session, now: datetime, limit: int = 200, policy: DeliveryPolicy | None = None
) -> list[int]:
    """Claim due messages for sending; one over its recipient's hourly limit waits instead."""
    policy = policy or DeliveryPolicy()
    query = (
        select(Delivery)
        .where(Delivery.status == "created", col(Delivery.due_at) <= now)
        .order_by(col(Delivery.due_at), col(Delivery.id))
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    claimed: list[int] = []
    for delivery in session.exec(query).all():
        held_until = _rate_limited(session, delivery, policy, now)
        values: dict[str, object]
        if held_until is not None:
            log.warning("delivery %s held until %s: recipient rate limit", delivery.id, held_until)
            values = {"due_at": held_until, "error_code": "rate-limited", "updated_at": now}
        else:
            values = {
                "status": "sending",
                "claimed_at": now,
                "attempts": col(Delivery.attempts) + 1,
                "updated_at": now,
            }
        result = session.execute(
            update(Delivery)
            .where(col(Delivery.id) == delivery.id, col(Delivery.status) == "created")
            .values(**values)
        )
        if result.rowcount == 1 and held_until is None:  # type: ignore[attr-defined]
            assert delivery.id is not None
            claimed.append(delivery.id)
    session.commit()
    return claimed


def _rate_limited(
    session: Session, delivery: Delivery, policy: DeliveryPolicy, now: datetime
) -> datetime | None:
    """When the recipient's hourly limit frees up, if this message would exceed it."""
    limit = policy.per_recipient_hourly.get(delivery.channel)
    if not limit:
        return None
    since = now - timedelta(hours=1)
    sent_at = col(Delivery.sent_at)
    recent = session.exec(
        select(func.count(), func.min(sent_at)).where(
            Delivery.to_address == delivery.to_address,
            Delivery.channel == delivery.channel,
            sent_at > since,
        )
    ).one()
    count, oldest = recent
    in_flight = session.exec(
        select(func.count()).where(
            Delivery.to_address == delivery.to_address,
            Delivery.channel == delivery.channel,
            Delivery.status == "sending",
        )
    ).one()
    if count + in_flight < limit:
        return None
    return (oldest or now) + timedelta(hours=1)


def _message_for(
    session: Session, delivery_id: int, policy: DeliveryPolicy, now: datetime
) -> OutboundMessage | None:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.status != "sending":
        return None
    if delivery.alert_id is not None:
        alert = session.get(Alert, delivery.alert_id)
        # Checked right before the send: nothing goes out after acknowledgement.
        if alert is not None and alert.acknowledged_at is not None:
            delivery.status = "cancelled"
            delivery.updated_at = now
            session.add(delivery)
            return None
    callback = policy.status_callback if delivery.channel in ("sms", "voice") else None
    return OutboundMessage(
        channel=delivery.channel,
        to=delivery.to_address,
        body=delivery.body,
        subject=delivery.subject,
        status_callback=callback,
    )


def send_one(
    engine: Engine,
    delivery_id: int,
    transports: Mapping[str, Transport],
    policy: DeliveryPolicy,
    now: datetime,
) -> str:
    """Send one claimed delivery; returns its new status."""
    with session_scope(engine) as session:
        message = _message_for(session, delivery_id, policy, now)
    if message is None:
        return "cancelled"
    transport = transports[message.channel]
    started = time.monotonic()
    try:
        result = transport.send(message)
    except TransportError as exc:
        took = int((time.monotonic() - started) * 1000)
        return _record_failure(engine, delivery_id, transport.name, exc, policy, now, took)
    took = int((time.monotonic() - started) * 1000)
    with session_scope(engine) as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        delivery.status = result.status
        delivery.transport = transport.name
        delivery.provider_id = result.provider_id
        delivery.provider_ms = took
        delivery.error_code = None
        delivery.sent_at = now
        delivery.updated_at = now
        session.add(delivery)
        if delivery.alert_id is not None:
            alert = session.get(Alert, delivery.alert_id)
            if alert is not None and alert.sent_at is None:
                alert.sent_at = now
                if alert.status == "pending":
                    alert.status = "sent"
                session.add(alert)
    return result.status


def _record_failure(
    engine: Engine,
    delivery_id: int,
    transport_name: str,
    exc: TransportError,
    policy: DeliveryPolicy,
    now: datetime,
    took_ms: int,
) -> str:
    with session_scope(engine) as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        delivery.provider_ms = took_ms
        delivery.transport = transport_name
        delivery.error_code = exc.code
        delivery.error_message = str(exc)[:500]
        delivery.updated_at = now
        if exc.permanent or delivery.attempts >= policy.max_attempts:
            delivery.status = "failed"
        else:
            delivery.status = "created"
            delivery.due_at = now + policy.backoff(delivery.attempts)
        session.add(delivery)
        log.warning(
            "delivery %s via %s failed (%s, %s): %s",
            delivery_id,
            transport_name,
            "permanent" if exc.permanent else "temporary",
            exc.code,
            delivery.status,
        )
        return delivery.status


def time_out_stuck(session: Session, now: datetime, policy: DeliveryPolicy) -> int:
    """A worker that died mid-send leaves a row in 'sending': hand it back to be retried."""
    result = session.execute(
        update(Delivery)
        .where(
            col(Delivery.status) == "sending",
            col(Delivery.claimed_at) < now - policy.sending_timeout,
        )
        .values(status="created", due_at=now, updated_at=now, error_code="sending-timeout")
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def send_due(
    engine: Engine,
    transports: Mapping[str, Transport],
    policy: DeliveryPolicy,
    now: datetime,
) -> dict[str, int]:
    """One pass: time out stuck rows, claim what is due, send it. Returns counts by status."""
    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        time_out_stuck(session, now, policy)
    with ThreadPoolExecutor(max_workers=policy.concurrency) as pool:
        while True:
            with session_scope(engine) as session:
                claimed = claim_due(session, now, policy=policy)
            if not claimed:
                return counts
            # Provider calls are slow and independent: several at once, each with its own
            # short transactions before and after.
            for status in pool.map(lambda i: send_one(engine, i, transports, policy, now), claimed):
                counts[status] = counts.get(status, 0) + 1
