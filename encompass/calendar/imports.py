"""Term dates from the files councils and schools publish: iCalendar (.ics) or CSV.

Each event is read by what its name says (calendar/vocabulary.py): a closure (holiday,
half term, INSET...) closes its days, whatever else it overlaps; a term, or a day of term,
opens them; "First day back" and "Last day of term" are markers, paired into a term;
anything else (parents' evening, sports day) is ignored and counted. CSV files are
`start,end,kind` or `label,start_date[,end_date]` (`date,label` too).

A calendar that would shut a setting for too much of the year is refused before it is
saved (calendar/sanity.py), and a file with any bad entry changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, col

from encompass.calendar.errors import CalendarError
from encompass.calendar.sanity import implausible
from encompass.calendar.school_days import Span
from encompass.calendar.vocabulary import CLOSED_KINDS, classify
from encompass.files.csvfile import ImportFileError, decode, parse_date
from encompass.models import CalendarEntry

MAX_SPAN_DAYS = 400


class CalendarFileError(CalendarError):
    """The file cannot be used; `problems` lists each bad entry."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Entry:
    where: str  # "event 3" or "row 4", for messages
    span: Span
    summary: str = ""


@dataclass
class Calendar:
    """What a file says: the spans to store, and what was read but not used."""

    entries: list[Entry]
    ignored: list[str] = field(default_factory=list)
    markers: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entries if e.span.kind == kind)


@dataclass(frozen=True)
class _Event:
    where: str
    start: date
    end: date
    summary: str


def _as_day(value: date | datetime, tz: ZoneInfo, *, is_end: bool) -> date:
    if isinstance(value, datetime):
        local = value.astimezone(tz) if value.tzinfo else value
        # A timed event ending at midnight ends the day before.
        if is_end and local.time() == datetime.min.time():
            return local.date() - timedelta(days=1)
        return local.date()
    # All-day events: DTEND is exclusive.
    return value - timedelta(days=1) if is_end else value


def _ics_events(raw: bytes, tz: ZoneInfo) -> list[_Event]:
    from icalendar import Calendar as ICalendar

    try:
        calendar = ICalendar.from_ical(raw)
    except (ValueError, IndexError, KeyError):
        raise CalendarFileError(
            "it is not a readable iCalendar file: export it again from the calendar"
        ) from None
    events = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        where = f"event {number}"
        summary = " ".join(str(event.get("SUMMARY", "")).split())
        if event.get("DTSTART") is None:
            raise CalendarFileError(f"{where} ({summary or 'no summary'}) has no start date")
        try:
            start_value = event.decoded("DTSTART")
            if event.get("DTEND") is not None:
                end = _as_day(event.decoded("DTEND"), tz, is_end=True)
            elif event.get("DURATION") is not None:
                end = _as_day(start_value + event.decoded("DURATION"), tz, is_end=True)
            else:
                end = _as_day(start_value, tz, is_end=False)
        except (ValueError, TypeError):
            raise CalendarFileError(
                f"{where} ({summary or 'no summary'}) has a date that cannot be read"
            ) from None
        start = _as_day(start_value, tz, is_end=False)
        if end < start and not isinstance(start_value, datetime):
            end = start  # DTEND equal to DTSTART on an all-day event: a one-day event
        events.append(_Event(where, start, end, summary[:200]))
    if not events:
        raise CalendarFileError("the file has no events")
    return events


_LABEL_COLUMNS = (
    "label", "name", "event", "description", "summary", "title", "holiday", "term",
    "period", "type", "what", "occasion",
)  # fmt: skip
_START_COLUMNS = (
    "start_date", "start", "date", "start date", "starts", "from", "date from", "from date",
    "first day", "start day",
)  # fmt: skip
_END_COLUMNS = ("end_date", "end", "end date", "ends", "to", "date to", "to date", "last day")


def _column(header: list[str], names: Iterable[str]) -> str | None:
    return next((n for n in names if n in header), None)


def _csv_header(lines: list[list[str]]) -> tuple[int, list[str]]:
    """(index, lower-cased header): the first of the first rows that names the columns
    needed (a council's file may start with a title line)."""
    for index, values in enumerate(lines[:10]):
        header = [h.strip().lower() for h in values]
        typed = header[:3] == ["start", "end", "kind"]
        if typed or (_column(header, _LABEL_COLUMNS) and _column(header, _START_COLUMNS)):
            return index, header
    raise CalendarFileError(
        "a CSV calendar needs the columns start,end,kind or label,start_date[,end_date]"
    )


def _csv_events(text: str) -> list[_Event]:
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise CalendarFileError("it is not a readable CSV file") from None
    index, header = _csv_header(lines)
    typed = header[:3] == ["start", "end", "kind"]
    label_col = "kind" if typed else _column(header, _LABEL_COLUMNS)
    start_col = _column(header, _START_COLUMNS)
    end_col = _column(header, _END_COLUMNS)
    events, problems = [], []
    for number, values in enumerate(lines[index + 1 :], start=index + 2):
        row = dict(zip(header, values, strict=False))
        where = f"row {number}"
        label = " ".join((row.get(label_col or "") or "").split())
        if not any(v.strip() for v in values):
            continue  # a blank line
        if typed and label.lower() not in ("term", "holiday", "inset"):
            problems.append(f"{where}: kind must be term, holiday or inset, not {label!r}")
            continue
        try:
            start = parse_date(row.get(start_col or "") or "")
            end_text = (row.get(end_col) or "").strip() if end_col else ""
            end = parse_date(end_text) if end_text else start
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        events.append(_Event(where, start, end, label[:200]))
    if problems:
        raise CalendarFileError(f"{len(problems)} bad rows", problems)
    if not events:
        raise CalendarFileError("the file has no rows")
    return events


def _merge_terms(days: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Term spans and days of term as the fewest spans: joined across weekends, not gaps."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(days):
        if merged:
            last_start, last_end = merged[-1]
            gap = last_end + timedelta(days=1)
            while gap < start and gap.weekday() >= 5:
                gap += timedelta(days=1)
            if start <= gap:
                merged[-1] = (last_start, max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def interpret(events: list[_Event]) -> Calendar:
    """Closures as they are; terms, days of term and paired markers as term spans."""
    entries: list[Entry] = []
    terms: list[tuple[date, date]] = []
    markers: list[tuple[date, int, _Event]] = []  # 0: a term starts, 1: a term ends
    ignored: list[str] = []
    problems: list[str] = []
    for e in events:
        if e.end < e.start:
            problems.append(f"{e.where}: ends ({e.end}) before it starts ({e.start})")
            continue
        kind = e.summary.lower()
        kind = kind if kind in ("term", "holiday", "inset") else classify(e.summary)
        if kind in CLOSED_KINDS:
            entries.append(Entry(e.where, Span(e.start, e.end, kind), e.summary))
        elif kind == "term":
            terms.append((e.start, e.end))
        elif kind in ("starts", "ends"):
            starts = kind == "starts"
            markers.append((e.start if starts else e.end, 0 if starts else 1, e))
        else:
            ignored.append(f"{e.where} ({e.summary or 'no summary'})")
    if problems:
        raise CalendarFileError(f"{len(problems)} problems in the calendar", problems)
    opened: tuple[date, _Event] | None = None
    for day, what, event in sorted(markers, key=lambda m: (m[0], m[1])):
        if what == 0:
            opened = opened or (day, event)  # a second "first day back": keep the first
        elif opened is not None:
            terms.append((opened[0], day))
            opened = None
        else:
            ignored.append(f"{event.where} ({event.summary}): no 'first day' marker before it")
    if opened is not None:
        ignored.append(f"{opened[1].where} ({opened[1].summary}): no 'last day' marker after it")
    for start, end in _merge_terms(terms):
        entries.append(Entry(f"term {start:%d %b %Y}", Span(start, end, "term"), "Term"))
    if not entries:
        raise CalendarFileError(
            "nothing in the file names a term or a closure (holiday, half term, INSET...)"
        )
    entries.sort(key=lambda e: (e.span.start, e.span.end, e.span.kind))
    return Calendar(entries, ignored, len(markers))


def check_dates(calendar: Calendar, today: date) -> None:
    """Implausible ranges are refused, all reported together."""
    problems = []
    for e in calendar.entries:
        s = e.span
        if (s.end - s.start).days > MAX_SPAN_DAYS:
            problems.append(f"{e.where} ({e.summary}): spans more than {MAX_SPAN_DAYS} days")
        for day in (s.start, s.end):
            if not today.year - 10 <= day.year <= today.year + 5:
                problems.append(f"{e.where} ({e.summary}): {day} is not a plausible school year")
                break
    if problems:
        raise CalendarFileError(f"{len(problems)} problems in the calendar", problems)


def read_calendar_bytes(
    raw: bytes, filename: str, tz: ZoneInfo, today: date, nation: str = "england"
) -> Calendar:
    """The file's calendar, checked; CalendarFileError (nothing saved) if it cannot be used."""
    if not raw.strip():
        raise CalendarFileError("the file is empty")
    is_ics = raw.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"BEGIN:VCALENDAR")
    if is_ics or filename.lower().endswith(".ics"):
        events = _ics_events(raw, tz)
    else:
        try:
            events = _csv_events(decode(raw))
        except ImportFileError as exc:
            raise CalendarFileError(str(exc)) from None
    calendar = interpret(events)
    check_dates(calendar, today)
    problems = implausible([e.span for e in calendar.entries], nation)
    if problems:
        raise CalendarFileError(
            "it would shut the setting for too much of the year, so alerts would wait "
            "for weeks: check that terms and holidays are named as such",
            problems,
        )
    return calendar


def replace_calendar(
    session: Session, entries: list[Entry], *, la_code: str | None, setting_id: int | None
) -> int:
    """The scope's calendar becomes exactly the file's entries."""
    if setting_id is not None:
        session.execute(delete(CalendarEntry).where(col(CalendarEntry.setting_id) == setting_id))
    else:
        session.execute(
            delete(CalendarEntry).where(
                col(CalendarEntry.la_code) == la_code, col(CalendarEntry.setting_id).is_(None)
            )
        )
    for e in entries:
        session.add(
            CalendarEntry(
                la_code=None if setting_id is not None else la_code,
                setting_id=setting_id,
                start=e.span.start,
                end=e.span.end,
                kind=e.span.kind,
                summary=e.summary,
            )
        )
    return len(entries)
