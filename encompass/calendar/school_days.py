"""Pure calendar rules: a setting's next open morning, and school-holiday runs.

`is_open(day)` is the whole of a setting's calendar as these rules see it; everything
else is derived. Times come in and go out in UTC; days are judged in local time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from encompass.calendar.errors import CalendarError

IsOpen = Callable[[date], bool]
# A run of closed days with at least this many weekdays is a school holiday.
HOLIDAY_MIN_WEEKDAYS = 3
LEAD_UP_DAYS = 7
# No setting is shut for longer than this; past it the calendar is wrong, not the search.
MAX_SEARCH_DAYS = 120

_SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}


class NoOpenDay(CalendarError):
    """The calendar has no open day within MAX_SEARCH_DAYS."""


@lru_cache(maxsize=8)
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=_SUBDIVISIONS[nation])


def is_bank_holiday(day: date, nation: str = "england") -> bool:
    return day in _bank_holidays(nation)


def weekdays_without_bank_holidays(
    nation: str = "england", extra: frozenset[date] = frozenset()
) -> IsOpen:
    """The calendar of a setting that has given no term dates.

    `extra`: bank holidays the `holidays` package may not know yet (GOV.UK's file).
    """

    def is_open(day: date) -> bool:
        return day.weekday() < 5 and day not in extra and not is_bank_holiday(day, nation)

    return is_open


@dataclass(frozen=True)
class Span:
    """Days `start` to `end` inclusive: a term (open), a holiday or an INSET day (closed)."""

    start: date
    end: date
    kind: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def _decide(spans: Sequence[Span], day: date) -> bool | None:
    """Open (True), closed (False), or not said (None) by these spans on this day."""
    covering = [s for s in spans if s.covers(day)]
    if not covering:
        return None
    # An INSET day or holiday inside a term closes the day.
    return not any(s.kind in ("holiday", "inset") for s in covering)


def calendar_from(
    own: Sequence[Span],
    council: Sequence[Span] = (),
    *,
    nation: str = "england",
    early_years: bool = False,
    extra_bank_holidays: frozenset[date] = frozenset(),
) -> IsOpen:
    """A setting's calendar: its own entries over the council's, weekends and bank holidays shut.

    An early years setting follows only its own entries (it may open when schools do not);
    without any it is open on weekdays but bank holidays. Days beyond the term dates a
    calendar covers (before its first term, after its last) fall back to the same weekday
    rule, so an out-of-date calendar never makes a setting look shut for months.
    """
    baseline = weekdays_without_bank_holidays(nation, extra_bank_holidays)
    layers = [list(own)] if early_years else [list(own), list(council)]
    layers = [layer for layer in layers if layer]
    if not layers:
        return baseline
    terms = [s for layer in layers for s in layer if s.kind == "term"]
    first = min((s.start for s in terms), default=None)
    last = max((s.end for s in terms), default=None)

    def is_open(day: date) -> bool:
        if not baseline(day):
            return False
        for layer in layers:
            decided = _decide(layer, day)
            if decided is not None:
                return decided
        # Between the first and last term dates but in no term: a school holiday.
        return not (first is not None and last is not None and first <= day <= last)

    return is_open


def parse_start(value: str) -> time:
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


def next_open_start(received_at: datetime, tz: ZoneInfo, start: time, is_open: IsOpen) -> datetime:
    """The start of the first open day whose start is after `received_at`, in UTC.

    The same morning when a notice arrives before the start time on an open day.
    """
    local = received_at.astimezone(tz)
    day = local.date()
    for _ in range(MAX_SEARCH_DAYS):
        if is_open(day):
            starts = datetime.combine(day, start, tzinfo=tz)
            if starts > local:
                return starts.astimezone(UTC)
        day += timedelta(days=1)
    raise NoOpenDay(f"no open day within {MAX_SEARCH_DAYS} days of {local.date()}")


def _closed_run(day: date, is_open: IsOpen) -> tuple[date, date] | None:
    if is_open(day):
        return None
    first = last = day
    for _ in range(MAX_SEARCH_DAYS):
        if is_open(first - timedelta(days=1)):
            break
        first -= timedelta(days=1)
    for _ in range(MAX_SEARCH_DAYS):
        if is_open(last + timedelta(days=1)):
            break
        last += timedelta(days=1)
    return first, last


def holiday_containing(day: date, is_open: IsOpen) -> tuple[date, date] | None:
    """The school holiday (first, last closed day) that `day` falls in, if any."""
    run = _closed_run(day, is_open)
    if run is None:
        return None
    first, last = run
    weekdays = sum(
        1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5
    )
    return run if weekdays >= HOLIDAY_MIN_WEEKDAYS else None


def in_holiday(day: date, is_open: IsOpen) -> bool:
    return holiday_containing(day, is_open) is not None


def in_holiday_lead_up(day: date, is_open: IsOpen) -> bool:
    """`day` is open-term time and a school holiday starts within the next 7 days."""
    if in_holiday(day, is_open):
        return False
    return any(in_holiday(day + timedelta(days=n), is_open) for n in range(1, LEAD_UP_DAYS + 1))
