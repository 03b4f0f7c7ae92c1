"""The first-morning-back reminder for alerts that arrived while a setting was closed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.alerts.messages import reminder_email, reminder_sms
from encompass.alerts.outgoing import Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import Recipients
from encompass.models import Alert, Setting


def queue_holiday_reminders(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """One reminder per DSL per setting, listing (by count) every unacknowledged one (the
    caller commits).

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
    recipients = Recipients(session)
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
        still_open = session.exec(
            select(Alert.id, Alert.due_by)
            .where(
                Alert.setting_id == setting_id,
                col(Alert.holiday_routed).is_(True),
                col(Alert.acknowledged_at).is_(None),
                col(Alert.withdrawn_at).is_(None),
            )
            .order_by(col(Alert.due_by), col(Alert.id))
        ).all()
        if not still_open:
            continue
        first_id, first_due = still_open[0]
        assert first_id is not None
        count = len(still_open)
        out = Outgoing(now, policy)
        for adult in recipients.in_role(setting, "dsl"):
            assert adult.id is not None
            # A fresh link to the first of them: the one in the holiday's message may be old.
            link = out.link(first_id, adult.id, first_due)
            languages = recipients.languages(adult, setting)
            common: dict[str, Any] = {
                # One alert: its acknowledgement cancels the reminder if it has not gone.
                "alert_id": first_id if count == 1 else None,
                "key_adult_id": adult.id,
                "reason": "holiday_reminder",
            }
            if adult.phone:
                out.message(
                    channel="sms",
                    to_address=adult.phone,
                    body=reminder_sms(
                        setting.short_name, count, first_due, policy.tz, link, languages
                    ),
                    due_at=policy.phone_due_at(now, first_due),
                    **common,
                )
            subject, body = reminder_email(
                setting.short_name, count, first_due, policy.tz, link, languages
            )
            out.message(
                channel="email",
                to_address=adult.email,
                subject=subject,
                body=body,
                due_at=now,
                **common,
            )
        out.write(session)
        reminded += 1
    return reminded
