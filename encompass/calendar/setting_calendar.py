"""A setting's calendar as the rest of the service asks about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlmodel import Session, and_, col, or_, select

from encompass.calendar.school_days import (
    IsOpen,
    Span,
    calendar_from,
    in_holiday,
    in_holiday_lead_up,
    next_open_start,
    parse_start,
    weekdays_without_bank_holidays,
)
from encompass.models import CalendarEntry, Setting


@dataclass(frozen=True)
class Timing:
    due_by: datetime
    holiday_period: bool
    holiday_lead_up: bool


def _entries_of(setting: Setting) -> ColumnElement[bool]:
    """The calendar entries that apply to a setting: its own, and its council's for a
    school (early years keep their own calendar, not the council's term dates)."""
    scopes: list[ColumnElement[bool]] = [col(CalendarEntry.setting_id) == setting.id]
    if setting.kind == "school" and setting.la_code:
        scopes.append(
            and_(CalendarEntry.la_code == setting.la_code, col(CalendarEntry.setting_id).is_(None))
        )
    return or_(*scopes)


def calendar_for(session: Session, setting: Setting | None) -> IsOpen:
    """The setting's own term dates over its council's; weekdays but bank holidays if none."""
    if setting is None:
        return weekdays_without_bank_holidays()
    # Both in one query, told apart by setting_id.
    own: list[Span] = []
    council: list[Span] = []
    for row in session.exec(select(CalendarEntry).where(_entries_of(setting))):
        (own if row.setting_id is not None else council).append(Span(row.start, row.end, row.kind))
    early_years = setting.kind != "school"
    return calendar_from(own, council, nation=setting.nation, early_years=early_years)


def has_term_dates(session: Session, setting: Setting) -> bool:
    """False for a setting on the weekday fallback: the coverage report warns about it."""
    query = select(CalendarEntry.id).where(_entries_of(setting), CalendarEntry.kind == "term")
    return session.exec(query.limit(1)).first() is not None


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
    incident_day = occurred_at.astimezone(tz).date()
    return Timing(
        due_by=next_open_start(received_at, tz, start, is_open),
        holiday_period=in_holiday(incident_day, is_open),
        holiday_lead_up=in_holiday_lead_up(incident_day, is_open),
    )
