"""Is a calendar believable? One that shuts a setting for too long would delay alerts.

A school year in England is 190 days with pupils out of about 260 weekdays: about a
quarter of weekdays are closed (holidays, INSET days, bank holidays). A calendar that
closes much more than that, or shuts for longer than any summer holiday, has been read
wrongly (or written wrongly), and a notice would wait weeks for a "next school day".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from encompass.calendar.school_days import IsOpen, Span, calendar_from

MAX_CLOSED_SHARE = 0.4
# Summer holidays run to about 7 weeks in England and Scotland, and 9 in Northern Ireland
# (from the end of June to the start of September).
MAX_CLOSED_RUN_DAYS = 70


def school_years(first: date, last: date) -> list[tuple[date, date]]:
    """The school years (1 September to 31 August) that `first` to `last` touch."""
    year = first.year if first.month >= 9 else first.year - 1
    years = []
    while date(year, 9, 1) <= last:
        years.append((date(year, 9, 1), date(year + 1, 8, 31)))
        year += 1
    return years


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def closed_share(is_open: IsOpen, first: date, last: date) -> tuple[int, int]:
    """(closed weekdays, weekdays) from `first` to `last`."""
    weekdays = [d for d in _days(first, last) if d.weekday() < 5]
    return sum(1 for d in weekdays if not is_open(d)), len(weekdays)


def longest_closed_run(is_open: IsOpen, first: date, last: date) -> tuple[date, date] | None:
    best: tuple[date, date] | None = None
    run_start: date | None = None
    for day in _days(first - timedelta(days=1), last + timedelta(days=1)):
        if not is_open(day):
            run_start = run_start or day
            continue
        if run_start is not None:
            run = (run_start, day - timedelta(days=1))
            if best is None or (run[1] - run[0]) > (best[1] - best[0]):
                best = run
            run_start = None
    return best


def implausible(spans: Sequence[Span], nation: str = "england") -> list[str]:
    """What makes these term dates unbelievable; empty if nothing does."""
    if not spans:
        return []
    is_open = calendar_from(list(spans), nation=nation)
    first = min(s.start for s in spans)
    last = max(s.end for s in spans)
    problems = []
    for start, end in school_years(first, last):
        closed, weekdays = closed_share(is_open, start, end)
        if closed > MAX_CLOSED_SHARE * weekdays:
            problems.append(
                f"it closes {closed} of the {weekdays} weekdays from {start:%-d %B %Y} to "
                f"{end:%-d %B %Y} ({closed * 100 // weekdays}%); a school year closes about "
                f"a quarter of them"
            )
    run = longest_closed_run(is_open, first, last)
    if run is not None and (run[1] - run[0]).days + 1 > MAX_CLOSED_RUN_DAYS:
        problems.append(
            f"it closes {(run[1] - run[0]).days + 1} days in a row, {run[0]:%-d %B %Y} to "
            f"{run[1]:%-d %B %Y}; no school holiday is longer than "
            f"{MAX_CLOSED_RUN_DAYS // 7} weeks"
        )
    return problems
