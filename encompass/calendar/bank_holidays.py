"""Bank holidays from GOV.UK's `bank-holidays.json`, on top of those the `holidays` package knows.

The published file (https://www.gov.uk/bank-holidays.json) has one division per
jurisdiction: `england-and-wales`, `scotland` and `northern-ireland`, each with `events`
of `title` and `date`. A one-off bank holiday (a coronation, a state funeral) is in that
file weeks before a new release of the package has it: importing the file is enough.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from encompass.calendar.errors import CalendarError
from encompass.models import BankHoliday

DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")
DIVISION_OF_NATION = {
    "england": "england-and-wales",
    "wales": "england-and-wales",
    "scotland": "scotland",
    "northern_ireland": "northern-ireland",
}


class BankHolidayFileError(CalendarError):
    """The file is not GOV.UK's bank holidays JSON; nothing was changed."""


@dataclass(frozen=True)
class Holiday:
    division: str
    day: date
    title: str


def parse_bank_holidays(raw: bytes) -> list[Holiday]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BankHolidayFileError(
            "it is not a JSON file: download bank-holidays.json from GOV.UK again"
        ) from None
    if not isinstance(data, dict) or not any(d in data for d in DIVISIONS):
        raise BankHolidayFileError(
            "it has none of the divisions england-and-wales, scotland, northern-ireland"
        )
    found = []
    for division in DIVISIONS:
        part = data.get(division)
        if part is None:
            continue
        events = part.get("events") if isinstance(part, dict) else None
        if not isinstance(events, list):
            raise BankHolidayFileError(f"the {division} division has no list of events")
        for number, event in enumerate(events, start=1):
            try:
                day = date.fromisoformat(str(event["date"]))
                title = str(event.get("title", ""))[:120]
            except (KeyError, TypeError, ValueError, AttributeError):
                raise BankHolidayFileError(
                    f"event {number} of {division} has no date in the form YYYY-MM-DD"
                ) from None
            found.append(Holiday(division, day, title))
    return found


def store_bank_holidays(session: Session, found: list[Holiday]) -> dict[str, int]:
    """Each division in the file replaces what was stored for it; counts by division."""
    divisions = sorted({h.division for h in found})
    session.execute(delete(BankHoliday).where(col(BankHoliday.division).in_(divisions)))
    seen: set[tuple[str, date]] = set()
    counts = dict.fromkeys(divisions, 0)
    for h in found:
        if (h.division, h.day) in seen:
            continue
        seen.add((h.division, h.day))
        session.add(BankHoliday(division=h.division, day=h.day, title=h.title))
        counts[h.division] += 1
    return counts


def stored_bank_holidays(session: Session, nation: str) -> frozenset[date]:
    division = DIVISION_OF_NATION.get(nation, "england-and-wales")
    query = select(col(BankHoliday.day)).where(BankHoliday.division == division)
    return frozenset(session.exec(query))
