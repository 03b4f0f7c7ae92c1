"""A setting's calendar as the rest of the service asks about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from encompass.calendar.school_days import (
    IsOpen,
    in_holiday,
    in_holiday_lead_up,
    next_open_start,
    parse_start,
    weekdays_without_bank_holidays,
)
from encompass.models import Setting


@dataclass(frozen=True)
class Timing:
    due_by: datetime
    holiday_period: bool
    holiday_lead_up: bool


def calendar_for(setting: Setting | None) -> IsOpen:
    """Until term dates are imported, every setting is open on weekdays but bank holidays."""
    return weekdays_without_bank_holidays(setting.nation if setting else "england")


def timing_for(
    setting: Setting | None,
    *,
    occurred_at: datetime,
    received_at: datetime,
    tz: ZoneInfo,
    default_start: str,
) -> Timing:
    is_open = calendar_for(setting)
    start = parse_start((setting.school_day_start if setting else None) or default_start)
    incident_day = occurred_at.astimezone(tz).date()
    return Timing(
        due_by=next_open_start(received_at, tz, start, is_open),
        holiday_period=in_holiday(incident_day, is_open),
        holiday_lead_up=in_holiday_lead_up(incident_day, is_open),
    )
