"""What a control room asks of the service: its own force's notices and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext
from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from encompass.alerts.ack import acknowledged_by
from encompass.alerts.follow_up import recorded
from encompass.lifecycles.alert import AlertStatus
from encompass.lifecycles.child import ChildOutcome
from encompass.models import Alert, Child, Notice, Setting


class Progress(StrEnum):
    """Where a child's notice has got to, in one word for the control room's filter: read
    from the alert's status and the child's outcome, never stored."""

    WAITING = "waiting"
    ACKNOWLEDGED = AlertStatus.ACKNOWLEDGED.value
    REVIEW = ChildOutcome.REVIEW.value
    NO_SETTING = ChildOutcome.NO_SETTING.value


STATUSES = tuple(Progress)

# The role that acknowledged, as `acknowledged_by` words it, in the page's language.
ROLE_SHOWN = {
    "Designated Safeguarding Lead": lazy_gettext("Designated Safeguarding Lead"),
    "Deputy DSL": lazy_gettext("Deputy DSL"),
    "Headteacher or manager": lazy_gettext("Headteacher or manager"),
    "Holiday cover": lazy_gettext("Holiday cover"),
    "Key Adult": lazy_gettext("Key Adult"),
    "council's coordinator, for the setting": lazy_gettext(
        "council's coordinator, for the setting"
    ),
}


@dataclass
class ChildProgress:
    child: Child
    setting: Setting | None
    alert: Alert | None
    # The role that acknowledged (DSL, deputy, head, council), never the person's name.
    acknowledged_by: str | None = None
    # The setting recorded what followed a week on (the police see only that it did).
    follow_up_recorded: bool = False

    @property
    def status(self) -> Progress:
        """One word for the filter: where this child's notice has got to."""
        if self.alert is not None and self.alert.acknowledged_at is not None:
            return Progress.ACKNOWLEDGED
        if self.child.outcome == ChildOutcome.REVIEW and self.alert is None:
            return Progress.REVIEW
        if self.child.outcome == ChildOutcome.NO_SETTING:
            return Progress.NO_SETTING
        return Progress.WAITING


@dataclass
class NoticeRow:
    notice: Notice
    children: list[ChildProgress] = field(default_factory=list)


def _told() -> ColumnElement[int]:
    """The setting a row is about: the alert's (a child registered at two settings is
    told at each, and shows once for each), else the child's (review, no setting)."""
    return func.coalesce(col(Alert.setting_id), col(Child.setting_id))


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def force_notices(
    session: Session,
    force_id: int,
    *,
    tz: ZoneInfo,
    received_from: date | None = None,
    received_to: date | None = None,
    status: str | None = None,
    limit: int = 200,
) -> list[NoticeRow]:
    """The force's notices, newest first, each with every child's outcome.

    Dates are local days, both ends included. A status keeps the notices with at least
    one child in that state, and shows only those children.
    """
    query = select(Notice).where(Notice.force_id == force_id)
    if received_from:
        query = query.where(col(Notice.received_at) >= _day_start(received_from, tz))
    if received_to:
        end = _day_start(received_to + timedelta(days=1), tz)
        query = query.where(col(Notice.received_at) < end)
    notices = list(session.exec(query.order_by(col(Notice.received_at).desc()).limit(limit)))
    ids = [n.id for n in notices]
    rows = session.exec(
        select(Child, Alert, Setting)
        .join(Alert, col(Alert.child_id) == Child.id, isouter=True)
        .join(Setting, col(Setting.id) == _told(), isouter=True)
        .where(col(Child.notice_id).in_(ids), col(Child.superseded_at).is_(None))
        .order_by(col(Child.notice_id), col(Child.position), col(Alert.id))
    ).all()
    by_notice = {n.id: NoticeRow(n) for n in notices}
    for child, alert, setting in rows:
        outcome = ChildProgress(child, setting, alert)
        if status and outcome.status != status:
            continue
        by_notice[child.notice_id].children.append(outcome)
    _add_roles(session, [c for row in by_notice.values() for c in row.children])
    return [row for row in by_notice.values() if row.children or not status]


def _add_roles(session: Session, outcomes: list[ChildProgress]) -> None:
    roles = acknowledged_by(session, [o.alert for o in outcomes if o.alert is not None])
    followed = recorded(session, [o.alert.id for o in outcomes if o.alert and o.alert.id])
    for outcome in outcomes:
        if outcome.alert is not None and outcome.alert.id in roles:
            role = str(roles[outcome.alert.id])
            outcome.acknowledged_by = str(ROLE_SHOWN.get(role, role))
        outcome.follow_up_recorded = outcome.alert is not None and outcome.alert.id in followed


def force_notice(session: Session, force_id: int, notice_id: int) -> NoticeRow | None:
    """One notice, only if it is this force's: another force's id is simply not found."""
    notice = session.exec(
        select(Notice).where(Notice.id == notice_id, Notice.force_id == force_id)
    ).first()
    if notice is None:
        return None
    row = NoticeRow(notice)
    for child, alert, setting in session.exec(
        select(Child, Alert, Setting)
        .join(Alert, col(Alert.child_id) == Child.id, isouter=True)
        .join(Setting, col(Setting.id) == _told(), isouter=True)
        .where(Child.notice_id == notice_id, col(Child.superseded_at).is_(None))
        .order_by(col(Child.position), col(Alert.id))
    ).all():
        row.children.append(ChildProgress(child, setting, alert))
    _add_roles(session, row.children)
    return row
