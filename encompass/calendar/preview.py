"""A calendar shown month by month before it is saved: which days are open, which shut."""

from __future__ import annotations

import calendar as months
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from encompass.calendar.school_days import Span, calendar_from, is_bank_holiday

MAX_MONTHS = 24


@dataclass(frozen=True)
class Day:
    day: date
    state: str  # open, closed, inset, bank_holiday, weekend

    @property
    def label(self) -> str:
        return {
            "open": "open",
            "closed": "closed",
            "inset": "closed (INSET)",
            "bank_holiday": "bank holiday",
            "weekend": "weekend",
        }[self.state]


@dataclass(frozen=True)
class Month:
    title: str
    weeks: list[list[Day | None]]  # Monday first; None outside the month
    open_days: int
    closed_weekdays: int
    # The month's first day: pages name the month in their reader's language from it.
    first: date | None = None


def preview(
    spans: Sequence[Span], nation: str = "england", extra: frozenset[date] = frozenset()
) -> list[Month]:
    """The months from the first entry to the last (at most MAX_MONTHS)."""
    if not spans:
        return []
    is_open = calendar_from(list(spans), nation=nation, extra_bank_holidays=extra)
    insets = [s for s in spans if s.kind == "inset"]
    first = min(s.start for s in spans)
    last = max(s.end for s in spans)
    out: list[Month] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month) and len(out) < MAX_MONTHS:
        weeks: list[list[Day | None]] = []
        open_days = closed = 0
        for week in months.Calendar().monthdatescalendar(year, month):
            row: list[Day | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                if day.weekday() >= 5:
                    state = "weekend"
                elif is_open(day):
                    state = "open"
                elif day in extra or is_bank_holiday(day, nation):
                    state = "bank_holiday"
                elif any(s.covers(day) for s in insets):
                    state = "inset"
                else:
                    state = "closed"
                open_days += state == "open"
                closed += state in ("closed", "inset", "bank_holiday")
                row.append(Day(day, state))
            weeks.append(row)
        out.append(
            Month(
                f"{months.month_name[month]} {year}",
                weeks,
                open_days,
                closed,
                date(year, month, 1),
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
