"""What happens after a message fails for good.

- The same person is tried on the next channel: SMS -> voice -> e-mail.
- A contact the provider refused (bad number, unsubscribed) is flagged for the
  coordinator.
- When nothing about an alert can reach anyone at the setting, the alert jumps to the
  council's step of its ladder at once: never silence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.alerts.create import notify
from encompass.alerts.ladder import escalation_index
from encompass.alerts.outgoing import Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import languages_of
from encompass.delivery.status import BROKEN_CONTACT_CODES
from encompass.escalation.steps import jump_to_step
from encompass.lifecycles.delivery import FINAL_FAILURES, LIVE
from encompass.models import Alert, Delivery, KeyAdult, Setting

NEXT_CHANNEL = {"sms": "voice", "voice": "email"}


def _claim(session: Session, delivery_id: int, now: datetime) -> bool:
    return bool(
        session.execute(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.followed_up_at).is_(None))
            .values(followed_up_at=now)
        ).rowcount  # type: ignore[attr-defined]
    )


def _flag_contact(session: Session, delivery: Delivery, adult: KeyAdult, now: datetime) -> None:
    if delivery.error_code in BROKEN_CONTACT_CODES:
        adult.contact_failed_at = now
        adult.contact_failure = f"{delivery.channel} refused ({delivery.error_code})"[:120]
        session.add(adult)


def _fall_through(
    session: Session,
    delivery: Delivery,
    alert: Alert,
    adult: KeyAdult,
    now: datetime,
    policy: AlertPolicy,
) -> None:
    channel = NEXT_CHANNEL.get(delivery.channel)
    if channel is None:
        return
    if channel == "voice" and not adult.phone:
        channel = "email"
    already = session.exec(
        select(Delivery.id).where(
            Delivery.alert_id == alert.id,
            Delivery.key_adult_id == adult.id,
            Delivery.channel == channel,
            col(Delivery.status).in_(LIVE),
        )
    ).first()
    if already is not None:
        return
    setting = session.get(Setting, alert.setting_id)
    assert setting is not None
    out = Outgoing(now, policy)
    notify(
        out,
        alert,
        adult,
        setting,
        [channel],
        reason="fallthrough",
        fallback_of=delivery.id,
        languages=languages_of(session, adult, setting),
    )
    out.write(session)


def _reachable(session: Session, alert: Alert) -> bool:
    return (
        session.exec(
            select(Delivery.id).where(Delivery.alert_id == alert.id, col(Delivery.status).in_(LIVE))
        ).first()
        is not None
    )


def follow_up_failures(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """Deal with every final failure not yet dealt with; returns how many (the caller commits)."""
    failed = session.exec(
        select(Delivery)
        .where(col(Delivery.status).in_(FINAL_FAILURES), col(Delivery.followed_up_at).is_(None))
        .order_by(col(Delivery.id))
        .limit(500)
    ).all()
    handled = 0
    for delivery in failed:
        assert delivery.id is not None
        if not _claim(session, delivery.id, now):
            continue
        handled += 1
        adult = session.get(KeyAdult, delivery.key_adult_id) if delivery.key_adult_id else None
        if adult is not None:
            _flag_contact(session, delivery, adult, now)
        alert = session.get(Alert, delivery.alert_id) if delivery.alert_id else None
        if alert is None or alert.acknowledged_at is not None or alert.withdrawn_at is not None:
            continue
        if adult is not None:
            _fall_through(session, delivery, alert, adult, now, policy)
        session.flush()
        if not _reachable(session, alert) and alert.ladder:
            jump_to_step(session, alert, escalation_index(alert.ladder), now)
    return handled
