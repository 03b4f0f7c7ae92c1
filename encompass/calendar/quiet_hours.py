"""Quiet hours: SMS and voice calls to Key Adults wait for the morning unless it cannot."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def quiet_hours_end(now: datetime, tz: ZoneInfo, start: time, end: time) -> datetime | None:
    """If `now` falls in quiet hours (start to end, local, may span midnight), when they end."""
    local = now.astimezone(tz)
    t = local.time()
    inside = (t >= start or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC)


def hold_until(
    now: datetime, due_by: datetime | None, tz: ZoneInfo, start: time, end: time
) -> datetime:
    """When a phone message queued now should go: at once, or when quiet hours end.

    If the deadline itself falls inside the quiet hours, waiting would miss it: send now.
    """
    release = quiet_hours_end(now, tz, start, end)
    if release is None or (due_by is not None and due_by <= release):
        return now
    return release
