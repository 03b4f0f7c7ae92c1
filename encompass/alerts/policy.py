"""The timing rules an alert is created under, read once from configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from encompass.calendar.quiet_hours import hold_until
from encompass.calendar.school_days import parse_start


@dataclass(frozen=True)
class AlertPolicy:
    """Defaults in config/default.py."""

    tz: ZoneInfo
    base_url: str
    link_ttl: timedelta
    quiet_start: time
    quiet_end: time
    holiday_threshold: timedelta
    reminder_lead: timedelta
    # The week-on prompt to the acknowledging Key Adult (zero: never).
    follow_up_after: timedelta = timedelta(days=7)

    @classmethod
    def from_config(cls, cfg: Any) -> AlertPolicy:
        return cls(
            tz=ZoneInfo(cfg["ENCOMPASS_TIMEZONE"]),
            base_url=cfg["PUBLIC_BASE_URL"],
            link_ttl=timedelta(hours=int(cfg["ALERT_LINK_TTL_HOURS"])),
            quiet_start=parse_start(cfg["QUIET_HOURS_START"]),
            quiet_end=parse_start(cfg["QUIET_HOURS_END"]),
            holiday_threshold=timedelta(hours=int(cfg["HOLIDAY_ROUTING_THRESHOLD_HOURS"])),
            reminder_lead=timedelta(minutes=int(cfg["HOLIDAY_REMINDER_LEAD_MINUTES"])),
            follow_up_after=timedelta(days=int(cfg["FOLLOW_UP_AFTER_DAYS"])),
        )

    def phone_due_at(self, now: datetime, due_by: datetime | None) -> datetime:
        """When an SMS or call queued now may go (quiet hours)."""
        return hold_until(now, due_by, self.tz, self.quiet_start, self.quiet_end)
