"""Create an alert for a child's setting and queue its first messages.

Holiday routing: when the setting's next school day is more than a day away, the
setting's holiday cover (else the council coordinator) is alerted at once as well, and
the DSL is reminded on the first morning back (see alerts/reminders.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from encompass.alerts.messages import alert_email, alert_sms
from encompass.alerts.policy import AlertPolicy
from encompass.delivery.queue import queue_message
from encompass.models import Alert, AlertLink, Child, KeyAdult, Setting
from encompass.people import key_adults
from encompass.security import new_token, token_hash


def coordinators(session: Session, la_code: str) -> list[KeyAdult]:
    return list(
        session.exec(
            select(KeyAdult).where(
                KeyAdult.la_code == la_code,
                KeyAdult.role == "coordinator",
                KeyAdult.active == True,  # noqa: E712
            )
        )
    )


def first_recipients(session: Session, setting: Setting) -> list[KeyAdult]:
    """The setting's DSLs; with none, the council coordinator, so it is never silent."""
    assert setting.id is not None
    return key_adults(session, setting.id, "dsl") or coordinators(session, setting.la_code)


def holiday_recipients(session: Session, setting: Setting) -> list[KeyAdult]:
    assert setting.id is not None
    return key_adults(session, setting.id, "holiday_cover") or coordinators(
        session, setting.la_code
    )


def notify(
    session: Session,
    alert: Alert,
    adult: KeyAdult,
    setting: Setting,
    *,
    now: datetime,
    policy: AlertPolicy,
    reason: str,
) -> None:
    """A fresh per-recipient link, by SMS (quiet hours respected) and by e-mail."""
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
    link = f"{policy.base_url}/a/{token}"
    if adult.phone:
        queue_message(
            session,
            channel="sms",
            to_address=adult.phone,
            body=alert_sms(setting.short_name, link),
            due_at=policy.phone_due_at(now, alert.due_by),
            alert_id=alert.id,
            key_adult_id=adult.id,
            reason=reason,
            now=now,
        )
    subject, body = alert_email(setting.short_name, link)
    queue_message(
        session,
        channel="email",
        to_address=adult.email,
        subject=subject,
        body=body,
        due_at=now,
        alert_id=alert.id,
        key_adult_id=adult.id,
        reason=reason,
        now=now,
    )


def create_alert(
    session: Session, child: Child, setting: Setting, *, now: datetime, policy: AlertPolicy
) -> Alert:
    assert child.id is not None and setting.id is not None
    alert = Alert(child_id=child.id, setting_id=setting.id, due_by=child.due_by, created_at=now)
    if child.due_by is not None and child.due_by - now > policy.holiday_threshold:
        alert.holiday_routed = True
        alert.reminder_due_at = max(now, child.due_by - policy.reminder_lead)
    session.add(alert)
    session.flush()
    for adult in first_recipients(session, setting):
        notify(session, alert, adult, setting, now=now, policy=policy, reason="alert")
    if alert.holiday_routed:
        for adult in holiday_recipients(session, setting):
            notify(session, alert, adult, setting, now=now, policy=policy, reason="holiday_cover")
    return alert
