"""Reading the CSV files councils hand us: UTF-8 (with or without BOM) or cp1252."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from encompass.errors import Refused


class ImportFileError(Refused):
    """The file as a whole cannot be imported (unreadable, wrong columns); nothing changed.
    Not worth retrying: the file must change."""


@dataclass
class ImportReport:
    accepted: int = 0
    skipped: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    unit: str = "row"  # what `rejected` numbers count: rows of a CSV, pupils of a CTF

    def reject(self, row: int, reason: str) -> None:
        self.rejected.append((row, reason))

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + 1


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # GIAS downloads are Windows-1252; a byte that is not even that is a broken file.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"the file is not text in UTF-8 or Windows-1252 (the character at byte "
                f"{exc.start + 1} cannot be read): save it again as CSV and upload that"
            ) from None


def read_rows(
    path: Path, required: tuple[str, ...]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (row number, row) pairs; row 1 is the header, as a spreadsheet shows it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be opened ({exc.strerror})") from None
    if not raw.strip():
        raise ImportFileError(f"{path.name} is empty")
    text = decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(f"{path.name} is missing the column(s): {', '.join(missing)}")
    try:
        rows = [
            (number, {k: (v or "").strip() for k, v in row.items() if k is not None})
            for number, row in enumerate(reader, start=2)
        ]
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} is not a readable CSV file: {exc}") from None
    return header, rows


def iter_with_progress(
    rows: list[tuple[int, dict[str, str]]], label: str, show: bool
) -> Iterator[tuple[int, dict[str, str]]]:
    if not show or len(rows) < 5000:
        yield from rows
        return
    import sys

    import click

    with click.progressbar(rows, label=label, file=sys.stderr) as bar:
        yield from bar


DATE_FORMATS = (
    "%Y-%m-%d",  # ISO
    "%d/%m/%Y",  # as UK spreadsheets show dates
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d-%b-%Y",  # 01-Mar-2014, as SIMS and Excel write them
    "%d %b %Y",
    "%d %B %Y",
    "%d/%m/%y",
    "%Y/%m/%d",
)


def parse_date(value: str) -> date:
    """A date as MIS exports and spreadsheets write it: ISO (2019-04-03), UK (03/04/2019),
    Excel's date and time (2019-04-03 00:00:00, 03/04/2019 00:00), 01-Mar-2014."""
    text = value.strip()
    # "Monday 3rd September 2026", as council term-date pages write them.
    text = re.sub(
        r"^(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?,?\s+", "", text, flags=re.I
    )
    text = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text, flags=re.I)
    # Excel and some exports add a time of midnight: the date is the part before it.
    for sep in ("T", " "):
        head, _, tail = text.partition(sep)
        if tail and ":" in tail and any(c.isdigit() for c in head):
            text = head
            break
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date (use YYYY-MM-DD or DD/MM/YYYY)")
