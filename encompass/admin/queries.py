"""What coordinators ask about settings: find one, and everything about one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from encompass.calendar.setting_calendar import has_term_dates
from encompass.models import (
    Alert,
    CalendarEntry,
    Child,
    Delivery,
    KeyAdult,
    Notice,
    Pupil,
    Setting,
    User,
)
from encompass.onboarding.key_adults import setting_key_adults


@dataclass
class SettingSummary:
    setting: Setting
    key_adults: int


def find_settings(
    session: Session, la_code: str | None, text: str = "", limit: int = 100
) -> tuple[list[SettingSummary], int]:
    """Schools and early years settings matching a name, URN or postcode, and how many."""
    query = select(Setting).where(Setting.kind != "fallback")
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    text = text.strip()
    if text:
        compact = text.replace(" ", "").upper()
        query = query.where(
            or_(
                col(Setting.name).ilike(f"%{text}%"),
                col(Setting.urn) == compact,
                func.replace(func.upper(Setting.postcode), " ", "").like(f"{compact}%"),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    settings = list(session.exec(query.order_by(Setting.name).limit(limit)))
    counts = dict(
        session.exec(
            select(KeyAdult.setting_id, func.count())
            .where(col(KeyAdult.setting_id).in_([s.id for s in settings]), col(KeyAdult.active))
            .group_by(col(KeyAdult.setting_id))
        ).all()
    )
    return [SettingSummary(s, counts.get(s.id, 0)) for s in settings], total


@dataclass
class SettingOverview:
    setting: Setting
    key_adults: list[KeyAdult]
    roll_size: int
    has_term_dates: bool
    terms: list[CalendarEntry] = field(default_factory=list)
    recent_alerts: int = 0
    # Each Key Adult's account: "active", "invited" (no password yet), "deactivated", or
    # "none" (added before accounts were made for everyone).
    accounts: dict[int, str] = field(default_factory=dict)
    # Each Key Adult's account itself, by Key Adult id (for what may be done to it).
    users: dict[int, User] = field(default_factory=dict)


def setting_overview(session: Session, setting: Setting, today: date) -> SettingOverview:
    assert setting.id is not None
    roll_size = session.exec(
        select(func.count()).select_from(Pupil).where(Pupil.setting_id == setting.id)
    ).one()
    scopes = [col(CalendarEntry.setting_id) == setting.id]
    if setting.kind == "school" and setting.la_code:
        scopes.append(
            (col(CalendarEntry.la_code) == setting.la_code)
            & col(CalendarEntry.setting_id).is_(None)
        )
    terms = list(
        session.exec(
            select(CalendarEntry)
            .where(or_(*scopes), col(CalendarEntry.end) >= today)
            .order_by(col(CalendarEntry.start))
            .limit(12)
        )
    )
    alerts = session.exec(
        select(func.count()).select_from(Alert).where(Alert.setting_id == setting.id)
    ).one()
    adults = setting_key_adults(session, setting.id)
    users = account_users(session, adults)
    return SettingOverview(
        setting=setting,
        key_adults=adults,
        roll_size=roll_size,
        has_term_dates=has_term_dates(session, setting),
        terms=terms,
        recent_alerts=alerts,
        accounts=account_states(users, adults),
        users=users,
    )


def account_users(session: Session, adults: list[KeyAdult]) -> dict[int, User]:
    """Each Key Adult's account, by Key Adult id; none for those who have no account."""
    ids = {a.user_id for a in adults if a.user_id is not None}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids)))}
    return {a.id: users[a.user_id] for a in adults if a.id is not None and a.user_id in users}


def account_states(users: dict[int, User], adults: list[KeyAdult]) -> dict[int, str]:
    states = {}
    for adult in adults:
        assert adult.id is not None
        user = users.get(adult.id)
        states[adult.id] = (
            "none"
            if user is None
            else "deactivated"
            if not user.active
            else "active"
            if user.password_hash
            else "invited"
        )
    return states


@dataclass
class LadderEntry:
    """One message the ladder sent (or is about to send) about an alert."""

    at: datetime
    name: str
    role: str
    channel: str
    status: str


@dataclass
class AttentionItem:
    alert: Alert
    child: Child
    notice: Notice
    setting: Setting
    escalated: bool
    # The setting's Key Adults (to phone them), and the ladder so far.
    key_adults: list[KeyAdult] = field(default_factory=list)
    ladder: list[LadderEntry] = field(default_factory=list)


def needing_attention(session: Session, la_code: str | None, now: datetime) -> list[AttentionItem]:
    """Unacknowledged alerts the council must act on: escalated ones, then overdue ones."""
    query = (
        select(Alert, Child, Notice, Setting)
        .join(Child, col(Child.id) == Alert.child_id)
        .join(Notice, col(Notice.id) == Child.notice_id)
        .join(Setting, col(Setting.id) == Alert.setting_id)
        .where(
            col(Alert.acknowledged_at).is_(None),
            col(Alert.withdrawn_at).is_(None),
            or_(col(Alert.escalated_at).is_not(None), col(Alert.due_by) < now),
        )
    )
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    rows = session.exec(query.order_by(col(Alert.due_by))).all()
    items = [
        AttentionItem(alert, child, notice, setting, alert.escalated_at is not None)
        for alert, child, notice, setting in rows
    ]
    add_people_and_ladder(session, items)
    return sorted(items, key=lambda i: (not i.escalated, i.alert.due_by or i.alert.created_at))


def add_people_and_ladder(session: Session, items: list[AttentionItem]) -> None:
    """Each item's Key Adults and messages so far: two queries for the whole page."""
    if not items:
        return
    adults: dict[int, list[KeyAdult]] = {}
    for adult in session.exec(
        select(KeyAdult)
        .where(
            col(KeyAdult.setting_id).in_({i.setting.id for i in items}),
            col(KeyAdult.active),
        )
        .order_by(col(KeyAdult.id))
    ):
        assert adult.setting_id is not None
        adults.setdefault(adult.setting_id, []).append(adult)
    ladder: dict[int, list[LadderEntry]] = {}
    for delivery, adult in session.exec(
        select(Delivery, KeyAdult)
        .outerjoin(KeyAdult, col(KeyAdult.id) == Delivery.key_adult_id)
        .where(col(Delivery.alert_id).in_({i.alert.id for i in items}))
        .order_by(col(Delivery.created_at), col(Delivery.id))
    ):
        assert delivery.alert_id is not None
        ladder.setdefault(delivery.alert_id, []).append(
            LadderEntry(
                at=delivery.sent_at or delivery.due_at,
                name=adult.name if adult else delivery.to_address,
                role=adult.role if adult else "",
                channel=delivery.channel,
                status=delivery.status,
            )
        )
    for item in items:
        assert item.setting.id is not None and item.alert.id is not None
        item.key_adults = adults.get(item.setting.id, [])
        item.ladder = ladder.get(item.alert.id, [])


def failing_contacts(session: Session, la_code: str | None) -> list[tuple[KeyAdult, Setting]]:
    query = (
        select(KeyAdult, Setting)
        .join(Setting, col(Setting.id) == KeyAdult.setting_id)
        .where(col(KeyAdult.active), col(KeyAdult.contact_failed_at).is_not(None))
    )
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    return [(a, s) for a, s in session.exec(query.order_by(col(KeyAdult.contact_failed_at)))]
