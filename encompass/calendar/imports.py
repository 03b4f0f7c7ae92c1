"""Term dates from the files councils publish: iCalendar (.ics) or CSV `start,end,kind`.

In an .ics file each event is a term (the setting is open); an event whose summary says
INSET, Closed, holiday or half term marks closed days. A file with any bad entry changes
nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, col

from encompass.calendar.school_days import Span
from encompass.models import CalendarEntry

MAX_SPAN_DAYS = 400
CLOSED_WORDS = ("inset", "closed", "holiday", "half term", "half-term")


class CalendarFileError(ValueError):
    """The file cannot be used; `problems` lists each bad entry."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Entry:
    where: str  # "event 3" or "row 4", for messages
    span: Span
    summary: str = ""


def _kind_from_summary(summary: str) -> str:
    text = summary.lower()
    if "inset" in text:
        return "inset"
    return "holiday" if any(w in text for w in CLOSED_WORDS) else "term"


def _as_day(value: date | datetime, tz: ZoneInfo, *, is_end: bool) -> date:
    if isinstance(value, datetime):
        local = value.astimezone(tz) if value.tzinfo else value
        # A timed event ending at midnight ends the day before.
        if is_end and local.time() == datetime.min.time():
            return local.date() - timedelta(days=1)
        return local.date()
    # All-day events: DTEND is exclusive.
    return value - timedelta(days=1) if is_end else value


def parse_ics(raw: bytes, tz: ZoneInfo) -> list[Entry]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(raw)
    except ValueError as exc:
        raise CalendarFileError(f"not a readable iCalendar file: {exc}") from None
    entries = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        where = f"event {number}"
        summary = str(event.get("SUMMARY", ""))
        if event.get("DTSTART") is None:
            raise CalendarFileError(f"{where} ({summary or 'no summary'}) has no DTSTART")
        start_value = event.decoded("DTSTART")
        if event.get("DTEND") is not None:
            end_value = event.decoded("DTEND")
            end = _as_day(end_value, tz, is_end=True)
        elif event.get("DURATION") is not None:
            end = _as_day(start_value + event.decoded("DURATION"), tz, is_end=True)
        else:
            end = _as_day(start_value, tz, is_end=False)
        start = _as_day(start_value, tz, is_end=False)
        if end < start and not isinstance(start_value, datetime):
            end = start  # DTEND equal to DTSTART on an all-day event: a one-day event
        entries.append(Entry(where, Span(start, end, _kind_from_summary(summary)), summary[:200]))
    if not entries:
        raise CalendarFileError("the file has no events")
    return entries


def parse_csv(text: str) -> list[Entry]:
    from encompass.onboarding.csvfile import parse_date

    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if header[:3] != ["start", "end", "kind"]:
        raise CalendarFileError("a CSV calendar needs the columns start,end,kind")
    reader.fieldnames = header
    entries, problems = [], []
    for number, row in enumerate(reader, start=2):
        where = f"row {number}"
        kind = (row.get("kind") or "").strip().lower()
        if kind not in ("term", "holiday", "inset"):
            problems.append(f"{where}: kind must be term, holiday or inset, not {kind!r}")
            continue
        try:
            span = Span(parse_date(row["start"] or ""), parse_date(row["end"] or ""), kind)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        entries.append(Entry(where, span))
    if problems:
        raise CalendarFileError(f"{len(problems)} bad rows", problems)
    if not entries:
        raise CalendarFileError("the file has no rows")
    return entries


def check(entries: list[Entry], today: date) -> None:
    """Inverted, implausible and overlapping ranges are refused, all reported together."""
    problems = []
    for e in entries:
        s = e.span
        if s.end < s.start:
            problems.append(f"{e.where}: ends ({s.end}) before it starts ({s.start})")
        elif (s.end - s.start).days > MAX_SPAN_DAYS:
            problems.append(f"{e.where}: spans more than {MAX_SPAN_DAYS} days")
        for day in (s.start, s.end):
            if not today.year - 10 <= day.year <= today.year + 5:
                problems.append(f"{e.where}: {day} is not a plausible school year")
                break
    ordered = sorted(entries, key=lambda e: (e.span.start, e.span.end))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.span.start > a.span.end:
                break
            # Closures inside a term are the point; two terms (or two closures) overlapping
            # means the file contradicts itself.
            if (a.span.kind == "term") == (b.span.kind == "term"):
                problems.append(
                    f"{b.where} ({b.span.start} to {b.span.end}) overlaps {a.where} "
                    f"({a.span.start} to {a.span.end})"
                )
    if problems:
        raise CalendarFileError(f"{len(problems)} problems in the calendar", problems)


def read_calendar(path: Path, tz: ZoneInfo, today: date) -> list[Entry]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CalendarFileError(f"cannot open {path}: {exc.strerror}") from None
    if not raw.strip():
        raise CalendarFileError(f"{path} is empty")
    if raw.lstrip().startswith(b"BEGIN:VCALENDAR") or path.suffix.lower() == ".ics":
        entries = parse_ics(raw, tz)
    else:
        from encompass.onboarding.csvfile import ImportError_, decode

        try:
            entries = parse_csv(decode(raw))
        except ImportError_ as exc:
            raise CalendarFileError(str(exc)) from None
    check(entries, today)
    return entries


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
