"""Find an alert through its owner's scope, open an alert link, acknowledge an alert."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

from encompass.alerts.errors import AlertError
from encompass.auth.passwords import token_hash
from encompass.delivery import outbox
from encompass.lifecycles.alert import ALERT, AlertStatus
from encompass.models import Alert, AlertLink, KeyAdult, Setting, User
from encompass.models.people import SETTING_ROLES
from encompass.records import audit


class AckError(AlertError):
    """The acknowledgement cannot be recorded; the message says why."""


def link_for_token(session: Session, token: str, now: datetime) -> AlertLink | None:
    """The live link for this token, or None if unknown or expired."""
    link = session.exec(select(AlertLink).where(AlertLink.token_hash == token_hash(token))).first()
    if link is None or link.expires_at <= now:
        return None
    return link


def reader_settings(session: Session, user_id: int, setting_id: int | None) -> list[int]:
    """The settings a Key Adult's account reads: its own, and every setting where it is an
    active Key Adult (a trust's DSL for several schools has one account)."""
    ids = {setting_id} if setting_id is not None else set()
    ids |= {
        found
        for found in session.exec(
            select(KeyAdult.setting_id).where(
                KeyAdult.user_id == user_id,
                col(KeyAdult.active),
                col(KeyAdult.setting_id).is_not(None),
            )
        )
        if found is not None
    }
    return sorted(ids)


def alert_for_reader(
    session: Session,
    alert_id: int,
    *,
    role: str,
    setting_id: int | None,
    la_code: str | None,
    user_id: int | None = None,
) -> Alert | None:
    """Alerts are only ever fetched through the reader's scope: another's id is not found.

    A Key Adult reads their settings' alerts; a coordinator those of their council's
    settings (they are the holiday cover of last resort).
    """
    query = select(Alert).where(Alert.id == alert_id)
    settings = (
        reader_settings(session, user_id, setting_id)
        if role == "dsl" and user_id is not None
        else [setting_id]
        if setting_id is not None
        else []
    )
    if role == "dsl" and settings:
        query = query.where(col(Alert.setting_id).in_(settings))
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
    acknowledged_as: str | None = None,
) -> Alert:
    """Record the support planned (required) and how the child presented (optional).

    `acknowledged_as` is what the police are told acknowledged it: the Key Adult's role
    at the setting, or "council" for a coordinator acting on the setting's behalf.
    """
    note = note.strip()
    if not note:
        raise AckError(_("Enter the support you have planned for the child"))
    if alert.withdrawn_at is not None:
        raise AckError(
            _("This notification was withdrawn: the police corrected the child's details")
        )
    assert alert.id is not None
    # Conditional: of two people acknowledging at once, the second is told it is done.
    if not ALERT.move(
        session,
        alert.id,
        AlertStatus.ACKNOWLEDGED,
        col(Alert.acknowledged_at).is_(None),
        acknowledged_at=now,
        acknowledged_by_user_id=user_id,
        acknowledged_as=acknowledged_as,
    ):
        raise AckError(_("This notification has already been acknowledged"))
    alert.feedback = note[:2000]
    alert.child_presentation = presentation.strip()[:2000]
    session.add(alert)
    # Nothing still waiting to be sent about this alert may go out now.
    outbox.cancel_unsent(session, alert.id, now)
    audit.record(
        session,
        "alert.acknowledged",
        user_id=user_id,
        object_type="alert",
        object_id=alert.id,
        remote_addr=remote_addr,
        detail="on the setting's behalf" if acknowledged_as == "council" else "",
        at=now,
    )
    return alert


def role_at(session: Session, user_id: int, setting_id: int) -> str:
    """The reader's Key Adult role at this setting (a DSL user who is on no list: "dsl")."""
    roles = session.exec(
        select(KeyAdult.role).where(
            KeyAdult.user_id == user_id, KeyAdult.setting_id == setting_id, col(KeyAdult.active)
        )
    ).all()
    for role in ("dsl", "deputy", "head", "holiday_cover"):
        if role in roles:
            return role
    return "dsl"


def record_presentation(
    session: Session,
    alert: Alert,
    *,
    user_id: int,
    text: str,
    now: datetime,
    remote_addr: str = "",
) -> Alert:
    """How the child presented, added once the child has arrived (after acknowledging)."""
    text = text.strip()
    if alert.acknowledged_at is None:
        raise AckError(_("Acknowledge the notification first, with the support you have planned"))
    if not text:
        raise AckError(_("Enter how the child presented"))
    if len(text) > 2000:
        raise AckError(_("How the child presented must be 2000 characters or fewer"))
    changed = bool(alert.child_presentation)
    alert.child_presentation = text
    session.add(alert)
    audit.record(
        session,
        "alert.presentation_recorded",
        user_id=user_id,
        object_type="alert",
        object_id=alert.id,
        remote_addr=remote_addr,
        detail="changed" if changed else "added",
        at=now,
    )
    return alert


# What the police are told acknowledged an alert (Alert.acknowledged_as), never a name.
ROLE_WORDS = {**SETTING_ROLES, "council": "council's coordinator, for the setting"}


def acknowledged_by(session: Session, alerts: list[Alert]) -> dict[int, str]:
    """Who acknowledged each alert, by role (never by name): 'Designated Safeguarding Lead',
    'Deputy DSL', 'Headteacher or manager', or the council's coordinator on its behalf."""
    roles: dict[int, str] = {}
    for alert in alerts:
        if alert.acknowledged_as and alert.id is not None:
            roles[alert.id] = ROLE_WORDS.get(alert.acknowledged_as, alert.acknowledged_as)
    # Acknowledged before the role was stored with the alert: the Key Adult's entry.
    done = [
        a
        for a in alerts
        if a.acknowledged_by_user_id is not None and a.id is not None and a.id not in roles
    ]
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(col(User.id).in_([a.acknowledged_by_user_id for a in done]))
        )
    }
    for alert in done:
        user = users.get(alert.acknowledged_by_user_id)
        if user is None:
            continue
        if user.role in ("coordinator", "admin"):
            roles[alert.id] = ROLE_WORDS["council"]  # type: ignore[index]
            continue
        adult = session.exec(
            select(KeyAdult).where(
                KeyAdult.setting_id == alert.setting_id,
                func.lower(KeyAdult.email) == user.email.lower(),
            )
        ).first()
        roles[alert.id] = SETTING_ROLES.get(adult.role, "Key Adult") if adult else "Key Adult"  # type: ignore[index]
    return roles
