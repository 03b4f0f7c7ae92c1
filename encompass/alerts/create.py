"""Create an alert for a child's setting and queue its first messages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from encompass.alerts.messages import alert_email, alert_sms
from encompass.delivery.queue import queue_message
from encompass.models import Alert, AlertLink, Child, KeyAdult, Setting
from encompass.people import key_adults
from encompass.security import new_token, token_hash


def first_recipients(session: Session, setting: Setting) -> list[KeyAdult]:
    """The setting's DSLs; with none, the council coordinator, so it is never silent."""
    assert setting.id is not None
    dsls = key_adults(session, setting.id, "dsl")
    if dsls:
        return dsls
    return list(
        session.exec(
            select(KeyAdult).where(
                KeyAdult.la_code == setting.la_code,
                KeyAdult.role == "coordinator",
                KeyAdult.active == True,  # noqa: E712
            )
        )
    )


def create_alert(
    session: Session,
    child: Child,
    setting: Setting,
    *,
    now: datetime,
    base_url: str,
    link_ttl: timedelta,
) -> Alert:
    assert child.id is not None and setting.id is not None
    alert = Alert(child_id=child.id, setting_id=setting.id, due_by=child.due_by, created_at=now)
    session.add(alert)
    session.flush()
    assert alert.id is not None
    for adult in first_recipients(session, setting):
        assert adult.id is not None
        token = new_token()
        session.add(
            AlertLink(
                alert_id=alert.id,
                key_adult_id=adult.id,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + link_ttl,
            )
        )
        link = f"{base_url}/a/{token}"
        if adult.phone:
            queue_message(
                session,
                channel="sms",
                to_address=adult.phone,
                body=alert_sms(setting.short_name, link),
                due_at=now,
                alert_id=alert.id,
                key_adult_id=adult.id,
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
        )
    return alert
