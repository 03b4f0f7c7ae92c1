"""Find an alert through its owner's scope, open an alert link, acknowledge an alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.auth.access import token_hash
from encompass.models import Alert, AlertLink, Delivery, Setting
from encompass.records import audit


class AckError(ValueError):
    """The acknowledgement cannot be recorded; the message says why."""


def link_for_token(session: Session, token: str, now: datetime) -> AlertLink | None:
    """The live link for this token, or None if unknown or expired."""
    link = session.exec(select(AlertLink).where(AlertLink.token_hash == token_hash(token))).first()
    if link is None or link.expires_at <= now:
        return None
    return link


def alert_for_reader(
    session: Session, alert_id: int, *, role: str, setting_id: int | None, la_code: str | None
) -> Alert | None:
    """Alerts are only ever fetched through the reader's scope: another's id is not found.

    A DSL reads their own setting's alerts; a coordinator those of their council's
    settings (they are the holiday cover of last resort).
    """
    query = select(Alert).where(Alert.id == alert_id)
    if role == "dsl" and setting_id is not None:
        query = query.where(Alert.setting_id == setting_id)
    elif role == "coordinator" and la_code:
        query = query.join(Setting, col(Setting.id) == Alert.setting_id).where(
            Setting.la_code == la_code
        )
    else:
        return None
    return session.exec(query).first()


def acknowledge(
    session: Session,
    alert: Alert,
    *,
    user_id: int,
    note: str,
    now: datetime,
    remote_addr: str = "",
    presentation: str = "",
) -> Alert:
    """Record the support planned (required) and how the child presented (optional)."""
    note = note.strip()
    if not note:
        raise AckError("Enter the support you have planned for the child")
    if alert.acknowledged_at is not None:
        raise AckError("This notification has already been acknowledged")
    alert.acknowledged_at = now
    alert.acknowledged_by_user_id = user_id
    alert.feedback = note[:2000]
    alert.child_presentation = presentation.strip()[:2000]
    alert.status = "acknowledged"
    session.add(alert)
    # Nothing still waiting to be sent about this alert may go out now.
    session.execute(
        update(Delivery)
        .where(col(Delivery.alert_id) == alert.id, col(Delivery.status) == "created")
        .values(status="cancelled", updated_at=now)
    )
    audit.record(
        session,
        "alert.acknowledged",
        user_id=user_id,
        object_type="alert",
        object_id=alert.id,
        remote_addr=remote_addr,
        at=now,
    )
    return alert
