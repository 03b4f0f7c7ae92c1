"""Create an alert for a child's setting and fire the steps of its escalation ladder.

Holiday routing: when the setting's next school day is more than a day away, the
setting's holiday cover (else the council coordinator) is alerted at once as well, and
the DSL is reminded on the first morning back (see alerts/reminders.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from encompass.alerts.messages import alert_email, alert_sms, alert_voice
from encompass.alerts.policy import AlertPolicy
from encompass.delivery.queue import queue_message
from encompass.escalation.ladder import ladder_for, step_time
from encompass.models import Alert, AlertLink, Child, KeyAdult, Setting
from encompass.people import key_adults
from encompass.security import new_token, token_hash


def coordinators(session: Session, la_code: str) -> list[KeyAdult]:
    return list(
        session.exec(
            select(KeyAdult).where(
                KeyAdult.la_code == la_code,
                KeyAdult.role == "coordinator",
                KeyAdult.setting_id == None,  # noqa: E711
                KeyAdult.active == True,  # noqa: E712
            )
        )
    )


def adults_in_role(session: Session, setting: Setting, role: str) -> list[KeyAdult]:
    assert setting.id is not None
    if role == "coordinator":
        return coordinators(session, setting.la_code)
    return key_adults(session, setting.id, role)


def holiday_recipients(session: Session, setting: Setting) -> list[KeyAdult]:
    return adults_in_role(session, setting, "holiday_cover") or coordinators(
        session, setting.la_code
    )


def _link(
    session: Session, alert: Alert, adult: KeyAdult, now: datetime, policy: AlertPolicy
) -> str:
    """A fresh per-recipient link; only its hash is stored."""
    assert alert.id is not None and adult.id is not None
    token = new_token()
    session.add(
        AlertLink(
            alert_id=alert.id,
            key_adult_id=adult.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + policy.link_ttl,
        )
    )
    return f"{policy.base_url}/a/{token}"


def notify(
    session: Session,
    alert: Alert,
    adult: KeyAdult,
    setting: Setting,
    channels: list[str],
    *,
    now: datetime,
    policy: AlertPolicy,
    reason: str,
) -> int:
    """Queue this alert to one person on these channels; returns messages queued."""
    queued = 0
    link = _link(session, alert, adult, now, policy) if {"sms", "email"} & set(channels) else ""
    common: dict[str, Any] = {
        "alert_id": alert.id,
        "key_adult_id": adult.id,
        "reason": reason,
        "now": now,
    }
    if "sms" in channels and adult.phone:
        body = alert_sms(setting.short_name, link)
        due = policy.phone_due_at(now, alert.due_by)
        queue_message(
            session, channel="sms", to_address=adult.phone, body=body, due_at=due, **common
        )
        queued += 1
    if "voice" in channels and adult.phone:
        body = alert_voice(setting.short_name)
        due = policy.phone_due_at(now, alert.due_by)
        queue_message(
            session, channel="voice", to_address=adult.phone, body=body, due_at=due, **common
        )
        queued += 1
    if "email" in channels and adult.email:
        subject, body = alert_email(setting.short_name, link)
        queue_message(
            session,
            channel="email",
            to_address=adult.email,
            subject=subject,
            body=body,
            due_at=now,
            **common,
        )
        queued += 1
    return queued


def fire_step(
    session: Session,
    alert: Alert,
    setting: Setting,
    step: dict[str, Any],
    *,
    now: datetime,
    policy: AlertPolicy,
    reason: str | None = None,
) -> int:
    """Queue one ladder step's messages; returns how many were queued."""
    queued = 0
    for entry in step["notify"]:
        for adult in adults_in_role(session, setting, entry["role"]):
            queued += notify(
                session,
                alert,
                adult,
                setting,
                entry["channels"],
                now=now,
                policy=policy,
                reason=reason or f"escalation:{step['name']}",
            )
    return queued


def create_alert(
    session: Session, child: Child, setting: Setting, *, now: datetime, policy: AlertPolicy
) -> Alert:
    assert child.id is not None and setting.id is not None
    ladder = ladder_for(session, setting)
    alert = Alert(
        child_id=child.id,
        setting_id=setting.id,
        due_by=child.due_by,
        created_at=now,
        ladder=ladder,
        step_index=1,
    )
    if len(ladder) > 1:
        alert.next_step_at = step_time(ladder[1], created_at=now, due_by=child.due_by)
    if child.due_by is not None and child.due_by - now > policy.holiday_threshold:
        alert.holiday_routed = True
        alert.reminder_due_at = max(now, child.due_by - policy.reminder_lead)
    session.add(alert)
    session.flush()
    if fire_step(session, alert, setting, ladder[0], now=now, policy=policy, reason="alert") == 0:
        # Nobody at the setting to tell: the council hears at once, never silence.
        for adult in coordinators(session, setting.la_code):
            notify(
                session,
                alert,
                adult,
                setting,
                ["sms", "email"],
                now=now,
                policy=policy,
                reason="no_key_adult",
            )
    if alert.holiday_routed:
        for adult in holiday_recipients(session, setting):
            notify(
                session,
                alert,
                adult,
                setting,
                ["sms", "email"],
                now=now,
                policy=policy,
                reason="holiday_cover",
            )
    return alert
