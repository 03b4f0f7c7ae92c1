"""Coverage: which settings in a council could not be alerted properly today, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlmodel import Session, col, select

from encompass.calendar.setting_calendar import (
    COUNCIL_CALENDAR_KINDS,
    calendar_stuck,
    has_term_dates,
)
from encompass.db import utcnow
from encompass.models import CalendarEntry, KeyAdult, Setting
from encompass.onboarding.invitations import not_accepted

MIN_KEY_ADULTS = 2


@dataclass
class CoverageRow:
    setting: Setting
    problems: list[str] = field(default_factory=list)


def coverage(session: Session, la_code: str | None, today: date | None = None) -> list[CoverageRow]:
    """Every school and early years setting (in one council, or all), with its problems.

    Training counts as expired once its recorded expiry date has passed (`today`).
    """
    today = today or utcnow().date()
    query = select(Setting).where(Setting.kind != "fallback").order_by(Setting.name)
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    settings = list(session.exec(query))
    adults = session.exec(
        select(KeyAdult).where(
            col(KeyAdult.setting_id).in_([s.id for s in settings]),
            KeyAdult.active == True,  # noqa: E712
        )
    ).all()
    roles: dict[int, Counter[str]] = {}
    unverified: Counter[int] = Counter()
    failing: Counter[int] = Counter()
    expired: Counter[int] = Counter()
    for adult in adults:
        assert adult.setting_id is not None
        roles.setdefault(adult.setting_id, Counter())[adult.role] += 1
        if adult.phone and adult.phone_verified_at is None:
            unverified[adult.setting_id] += 1
        if adult.contact_failed_at is not None:
            failing[adult.setting_id] += 1
        if adult.training_expires_on is not None and adult.training_expires_on < today:
            expired[adult.setting_id] += 1
    waiting = not_accepted(session, [s.id for s in settings if s.id is not None])
    rows = []
    own_calendars = set(
        session.exec(
            select(CalendarEntry.setting_id)
            .where(col(CalendarEntry.setting_id).in_([s.id for s in settings]))
            .distinct()
        )
    )
    # Settings without their own entries share their council's calendar: judged once.
    stuck: dict[tuple[object, ...], bool] = {}
    for setting in settings:
        assert setting.id is not None
        row = CoverageRow(setting)
        have = roles.get(setting.id, Counter())
        key_adults = have["dsl"] + have["deputy"]
        if not have["dsl"]:
            row.problems.append(_("no DSL: alerts go to the council coordinator"))
        if key_adults < MIN_KEY_ADULTS:
            row.problems.append(
                _(
                    "fewer than %(least)d Key Adults (%(have)d)",
                    least=MIN_KEY_ADULTS,
                    have=key_adults,
                )
            )
        if unverified[setting.id]:
            row.problems.append(
                ngettext(
                    "%(num)d unverified phone number",
                    "%(num)d unverified phone numbers",
                    unverified[setting.id],
                )
            )
        if failing[setting.id]:
            row.problems.append(
                ngettext(
                    "%(num)d contact failing: messages not getting through",
                    "%(num)d contacts failing: messages not getting through",
                    failing[setting.id],
                )
            )
        if expired[setting.id]:
            row.problems.append(
                ngettext(
                    "training expired for %(num)d Key Adult",
                    "training expired for %(num)d Key Adults",
                    expired[setting.id],
                )
            )
        if waiting.get(setting.id):
            row.problems.append(
                ngettext(
                    "%(num)d Key Adult not signed up: invitation not accepted (no password yet)",
                    "%(num)d Key Adults not signed up: invitation not accepted (no password yet)",
                    waiting[setting.id],
                )
            )
        if not has_term_dates(session, setting):
            row.problems.append(_("no term dates: weekdays but bank holidays assumed"))
        elif _stuck(session, setting, today, own_calendars, stuck):
            row.problems.append(
                _(
                    "term dates with no school day in the next 4 months: alerts are due the "
                    "next weekday instead; import the calendar again"
                )
            )
        if setting.roll_imported_at is None:
            row.problems.append(_("no pupil roll"))
        rows.append(row)
    return rows


def _stuck(
    session: Session,
    setting: Setting,
    today: date,
    own_calendars: set[int | None],
    memo: dict[tuple[object, ...], bool],
) -> bool:
    if setting.id in own_calendars:
        return calendar_stuck(session, setting, today)
    key = (setting.la_code, setting.kind in COUNCIL_CALENDAR_KINDS, setting.nation)
    if key not in memo:
        memo[key] = calendar_stuck(session, setting, today)
    return memo[key]
