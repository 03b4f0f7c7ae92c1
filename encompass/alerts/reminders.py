"""The first-morning-back reminder for alerts that arrived while a setting was closed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.alerts.messages import reminder_email, reminder_sms
from encompass.alerts.policy import AlertPolicy
from encompass.auth.users import key_adults
from encompass.delivery.outbox import queue_message
from encompass.models import Alert, Setting


def queue_holiday_reminders(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """One reminder per DSL per setting, listing (by count) every unacknowledged one.

    Each alert is claimed with a conditional update, so two workers never remind twice.
    """
    due = session.exec(
        select(Alert.id, Alert.setting_id).where(
            col(Alert.holiday_routed).is_(True),
            col(Alert.acknowledged_at).is_(None),
            col(Alert.reminder_sent_at).is_(None),
            col(Alert.reminder_due_at) <= now,
        )
    ).all()
    by_setting: dict[int, list[int]] = defaultdict(list)
    for alert_id, setting_id in due:
        by_setting[int(setting_id)].append(int(alert_id))  # type: ignore[arg-type]
    reminded = 0
    for setting_id, alert_ids in by_setting.items():
        claimed = session.execute(
            update(Alert)
            .where(col(Alert.id).in_(alert_ids), col(Alert.reminder_sent_at).is_(None))
            .values(reminder_sent_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            continue
        setting = session.get(Setting, setting_id)
        assert setting is not None
        # Every still-open holiday alert for the setting, not only those due this minute.
        count = len(
            session.exec(
                select(Alert.id).where(
                    Alert.setting_id == setting_id,
                    col(Alert.holiday_routed).is_(True),
                    col(Alert.acknowledged_at).is_(None),
                    col(Alert.withdrawn_at).is_(None),
                )
            ).all()
        )
        link = f"{policy.base_url}/dsl/"
        for adult in key_adults(session, setting_id, "dsl"):
            if adult.phone:
                queue_message(
                    session,
                    channel="sms",
                    to_address=adult.phone,
                    body=reminder_sms(setting.short_name, count, link),
                    due_at=policy.phone_due_at(now, None),
                    key_adult_id=adult.id,
                    reason="holiday_reminder",
                    now=now,
                )
            subject, body = reminder_email(setting.short_name, count, link)
            queue_message(
                session,
                channel="email",
                to_address=adult.email,
                subject=subject,
                body=body,
                due_at=now,
                key_adult_id=adult.id,
                reason="holiday_reminder",
                now=now,
            )
        reminded += 1
    session.commit()
    return reminded
