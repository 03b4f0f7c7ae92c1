"""A setting's calendar as the rest of the service asks about it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlmodel import Session, and_, col, or_, select

from encompass.calendar.bank_holidays import stored_bank_holidays
from encompass.calendar.school_days import (
    MAX_SEARCH_DAYS,
    IsOpen,
    NoOpenDay,
    Span,
    calendar_from,
    in_holiday,
    in_holiday_lead_up,
    next_open_start,
    parse_start,
    weekdays_without_bank_holidays,
)
from encompass.models import CalendarEntry, Setting

log = logging.getLogger(__name__)

# Kinds that follow their council's term dates; the others (early years, colleges,
# teams) keep their own calendar only.
COUNCIL_CALENDAR_KINDS = ("school", "special", "alternative_provision")


@dataclass(frozen=True)
class Timing:
    due_by: datetime
    holiday_period: bool
    holiday_lead_up: bool
    # The setting's calendar had no open day in reach: due the next weekday instead.
    calendar_fallback: bool = False


def _entries_of(setting: Setting) -> ColumnElement[bool]:
    """The calendar entries that apply to a setting: its own, and its council's for a
    school (early years keep their own calendar, not the council's term dates)."""
    scopes: list[ColumnElement[bool]] = [col(CalendarEntry.setting_id) == setting.id]
    if setting.kind in COUNCIL_CALENDAR_KINDS and setting.la_code:
        scopes.append(
            and_(CalendarEntry.la_code == setting.la_code, col(CalendarEntry.setting_id).is_(None))
        )
    return or_(*scopes)


def calendar_for(session: Session, setting: Setting | None) -> IsOpen:
    """The setting's own term dates over its council's; weekdays but bank holidays if none."""
    nation = setting.nation if setting else "england"
    extra = stored_bank_holidays(session, nation)
    if setting is None:
        return weekdays_without_bank_holidays(nation, extra)
    # Both in one query, told apart by setting_id.
    own: list[Span] = []
    council: list[Span] = []
    for row in session.exec(select(CalendarEntry).where(_entries_of(setting))):
        (own if row.setting_id is not None else council).append(Span(row.start, row.end, row.kind))
    early_years = setting.kind not in COUNCIL_CALENDAR_KINDS
    return calendar_from(
        own, council, nation=nation, early_years=early_years, extra_bank_holidays=extra
    )


def has_term_dates(session: Session, setting: Setting) -> bool:
    """False for a setting on the weekday fallback: the coverage report warns about it."""
    query = select(CalendarEntry.id).where(_entries_of(setting))
    return session.exec(query.limit(1)).first() is not None


def calendar_stuck(session: Session, setting: Setting, today: date) -> bool:
    """True if the setting's calendar has no open day within reach of `today`: notices for
    it fall back to the next weekday (and the coverage report says so)."""
    is_open = calendar_for(session, setting)
    return not any(is_open(today + timedelta(days=n)) for n in range(MAX_SEARCH_DAYS))


def timing_for(
    session: Session,
    setting: Setting | None,
    *,
    occurred_at: datetime,
    received_at: datetime,
    tz: ZoneInfo,
    default_start: str,
) -> Timing:
    is_open = calendar_for(session, setting)
    start = parse_start((setting.school_day_start if setting else None) or default_start)
    fallback = False
    try:
        due_by = next_open_start(received_at, tz, start, is_open)
    except NoOpenDay:
        # Never a failed notice and never a silent wait: the next weekday, flagged.
        log.warning(
            "setting %s: its calendar has no open day within %s days; due the next weekday",
            setting.urn if setting else "-",
            MAX_SEARCH_DAYS,
        )
        nation = setting.nation if setting else "england"
        is_open = weekdays_without_bank_holidays(nation, stored_bank_holidays(session, nation))
        due_by = next_open_start(received_at, tz, start, is_open)
        fallback = True
    incident_day = occurred_at.astimezone(tz).date()
    return Timing(
        due_by=due_by,
        holiday_period=in_holiday(incident_day, is_open),
        holiday_lead_up=in_holiday_lead_up(incident_day, is_open),
        calendar_fallback=fallback,
    )
