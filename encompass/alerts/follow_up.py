"""A look again, a week on: the acknowledging Key Adult is asked what followed.

When a Key Adult acknowledges, the prompt is timed FOLLOW_UP_AFTER_DAYS later; a day the
setting is closed (a weekend, a holiday) moves it to the start of its next school day. The
worker's pass queues it once (claimed with a conditional update) as an e-mail through the
outbox, with nothing personal in it: a link to the page where the answer is recorded.
The answer (structured choices and a short note, encrypted at rest) shows in the child's
story; the police learn only that it was recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.alerts.errors import AlertError
from encompass.alerts.messages import follow_up_email
from encompass.alerts.outgoing import Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import languages_for
from encompass.calendar.school_days import NoOpenDay, next_open_start, parse_start
from encompass.calendar.setting_calendar import calendar_for
from encompass.language.choice import message_languages
from encompass.models import Alert, FollowUp, KeyAdult, Setting, User
from encompass.models.alerts import (
    FOLLOW_UP_ATTENDANCE,
    FOLLOW_UP_BEHAVIOUR,
    FOLLOW_UP_REFERRAL,
    FOLLOW_UP_SUPPORT,
)
from encompass.records import audit

NOTE_MAX = 500


class FollowUpError(AlertError):
    """The answer cannot be recorded; the message says why."""


def prompt_time(
    session: Session,
    setting: Setting,
    acknowledged_at: datetime,
    policy: AlertPolicy,
    default_start: str,
) -> datetime:
    """FOLLOW_UP_AFTER_DAYS after acknowledging, or the start of the setting's next school
    day when that day is closed."""
    at = acknowledged_at + policy.follow_up_after
    is_open = calendar_for(session, setting)
    if is_open(at.astimezone(policy.tz).date()):
        return at
    start = parse_start(setting.school_day_start or default_start)
    try:
        return next_open_start(at, policy.tz, start, is_open)
    except NoOpenDay:
        return at


def schedule(
    session: Session,
    alert: Alert,
    setting: Setting,
    policy: AlertPolicy,
    default_start: str,
) -> None:
    """Time the prompt for an alert a Key Adult has just acknowledged (the caller commits);
    none when the council acknowledged it, or FOLLOW_UP_AFTER_DAYS is 0."""
    if (
        alert.acknowledged_at is None
        or alert.acknowledged_as == "council"
        or policy.follow_up_after <= timedelta(0)
    ):
        return
    alert.follow_up_due_at = prompt_time(
        session, setting, alert.acknowledged_at, policy, default_start
    )
    session.add(alert)


def queue_follow_up_prompts(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """Queue every due prompt once (the caller commits); returns how many were queued."""
    due = session.exec(
        select(Alert)
        .where(
            col(Alert.follow_up_due_at) <= now,
            col(Alert.follow_up_sent_at).is_(None),
            col(Alert.acknowledged_by_user_id).is_not(None),
            col(Alert.withdrawn_at).is_(None),
        )
        .order_by(col(Alert.follow_up_due_at))
        .limit(200)
    ).all()
    out = Outgoing(now, policy)
    queued = 0
    for alert in due:
        claimed = session.execute(
            update(Alert)
            .where(col(Alert.id) == alert.id, col(Alert.follow_up_sent_at).is_(None))
            .values(follow_up_sent_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            continue
        user = session.get(User, alert.acknowledged_by_user_id)
        setting = session.get(Setting, alert.setting_id)
        if user is None or not user.active or setting is None:
            continue
        if session.exec(select(FollowUp.id).where(FollowUp.alert_id == alert.id)).first():
            continue  # already recorded before the week was up
        adult = session.exec(
            select(KeyAdult).where(
                KeyAdult.user_id == user.id, KeyAdult.setting_id == alert.setting_id
            )
        ).first()
        languages = (
            languages_for(adult, setting, user.language)
            if adult is not None
            else message_languages(user.language, setting.nation, setting.message_language)
        )
        subject, body = follow_up_email(
            setting.short_name, f"{policy.base_url}/alerts/{alert.id}/follow-up", languages
        )
        # Not tied to the alert: an acknowledged alert's unsent messages are cancelled.
        out.message(
            channel="email",
            to_address=user.email,
            subject=subject,
            body=body,
            due_at=now,
            alert_id=None,
            key_adult_id=adult.id if adult is not None else None,
            reason="follow_up",
        )
        queued += 1
    out.write(session)
    return queued


def record_follow_up(
    session: Session,
    alert: Alert,
    *,
    user_id: int,
    attendance: str,
    behaviour: str,
    support: str,
    referral: str,
    note: str,
    now: datetime,
) -> FollowUp:
    """Record (or change) what followed (the caller commits); audited."""
    if alert.acknowledged_at is None:
        raise FollowUpError(_("Acknowledge the notification first, with the support you planned"))
    for value, allowed, message in (
        (attendance, FOLLOW_UP_ATTENDANCE, _("Select attendance")),
        (behaviour, FOLLOW_UP_BEHAVIOUR, _("Select behaviour")),
        (support, FOLLOW_UP_SUPPORT, _("Select support given")),
        (referral, FOLLOW_UP_REFERRAL, _("Select whether a referral was made")),
    ):
        if value not in allowed:
            raise FollowUpError(message)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise FollowUpError(_("The note must be %(max)d characters or fewer", max=NOTE_MAX))
    found = session.exec(select(FollowUp).where(FollowUp.alert_id == alert.id)).first()
    assert alert.id is not None
    answers: dict[str, Any] = {
        "recorded_at": now,
        "recorded_by_user_id": user_id,
        "attendance": attendance,
        "behaviour": behaviour,
        "support": support,
        "referral": referral,
        "note": note,
    }
    follow_up = found or FollowUp(alert_id=alert.id, **answers)
    for name, value in answers.items():  # a change replaces every answer
        setattr(follow_up, name, value)
    session.add(follow_up)
    audit.record(
        session,
        "alert.follow_up_recorded",
        user_id=user_id,
        object_type="alert",
        object_id=alert.id,
        detail="changed" if found else "added",
        at=now,
    )
    return follow_up


def follow_up_for(session: Session, alert_id: int) -> FollowUp | None:
    return session.exec(select(FollowUp).where(FollowUp.alert_id == alert_id)).first()


def recorded(session: Session, alert_ids: list[int]) -> set[int]:
    """Which of these alerts have what followed recorded (for the police)."""
    if not alert_ids:
        return set()
    return set(session.exec(select(FollowUp.alert_id).where(col(FollowUp.alert_id).in_(alert_ids))))
