"""Import settings from a GIAS establishment download (Get Information About Schools).

The download is taken as it comes: the zip, or the CSV inside it (cp1252 or UTF-8).
Rows are read one at a time and written in batches, so memory stays flat however large
the file (all of England is about 50,000 rows and 60 MB). Which establishments become
settings, and of which kind, is decided by `kind_of` (and listed in the README).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, select

from encompass.db import utcnow
from encompass.files.csvfile import ImportFileError, ImportReport
from encompass.language.choice import WELSH_LA_CODES
from encompass.models import Setting
from encompass.models.fields import normalise_postcode
from encompass.onboarding.textfile import open_text

REQUIRED = (
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "EstablishmentStatus (name)",
    "LA (code)",
    "Postcode",
)

# How often an import reports how far it has got, and how many rows go in one write.
PROGRESS_EVERY = 200
BATCH = 1000

# Establishment types that are not places children attend in the UK.
NOT_SETTINGS = (
    "miscellaneous",
    "higher education institution",
    "british schools overseas",
    "offshore schools",
    "online provider",
    "institution funded by other government department",
)


def kind_of(type_name: str, phase: str) -> str | None:
    """The setting kind for a GIAS establishment type and phase; None if it is not a setting."""
    text = type_name.lower()
    if not text or any(t in text for t in NOT_SETTINGS):
        return None
    if any(t in text for t in ("16-19", "16 to 19", "further education", "sixth form", "post 16")):
        return "college"
    if "special" in text:
        return "special"
    if any(t in text for t in ("pupil referral", "alternative provision", "secure unit")):
        return "alternative_provision"
    if "nursery" in text or phase.lower() == "nursery":
        return "early_years"
    return "school"


def skip_status(status: str) -> str | None:
    """Why an establishment with this status is skipped, or None to import it."""
    text = status.lower()
    if text.startswith("closed"):
        return "closed"
    if text.startswith("proposed to open"):
        return "proposed to open"
    return None


def nation_of(type_name: str, la_code: str) -> str:
    welsh = "welsh" in type_name.lower() or (la_code.isdigit() and int(la_code) in WELSH_LA_CODES)
    return "wales" if welsh else "england"


class _Writes:
    """New settings inserted and known ones updated, BATCH rows at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known = dict(session.exec(select(Setting.urn, Setting.id)).all())
        self.new: list[dict[str, Any]] = []
        self.changed: list[dict[str, Any]] = []

    def add(self, values: dict[str, Any]) -> None:
        setting_id = self.known.get(values["urn"])
        if setting_id is None:
            self.new.append({**values, "created_at": values["updated_at"]})
        else:
            self.changed.append({**values, "id": setting_id})
        if len(self.new) + len(self.changed) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.new:
            self.session.execute(insert(Setting), self.new)
        if self.changed:
            self.session.execute(update(Setting), self.changed)
        self.new, self.changed = [], []


def _values(row: dict[str, str], kind: str, now: Any) -> dict[str, Any]:
    type_name = row["TypeOfEstablishment (name)"][:120]
    la_code = row["LA (code)"][:10]
    return {
        "urn": row["URN"],
        "name": row["EstablishmentName"][:200],
        "type_name": type_name,
        "phase": row["PhaseOfEducation (name)"][:60],
        "kind": kind,
        "la_code": la_code,
        "la_name": row.get("LA (name)", "")[:120],
        "establishment_number": row.get("EstablishmentNumber", "")[:10],
        "nation": nation_of(type_name, la_code),
        "updated_at": now,
    }


def import_gias(
    session: Session,
    path: Path,
    *,
    progress: bool = False,
    la_code: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    filename: str | None = None,
    partial: bool = True,
) -> ImportReport:
    """Create or update a setting per open establishment that is a setting.

    With `la_code`, rows of other councils are skipped (a coordinator imports their own
    council from a national download). `on_progress(done, total)` is called as it goes.
    The file is read twice: once to check every row (reporting progress), then, unless a
    row was rejected and `partial` is False, again to write. Nothing is written while
    progress is reported, so a progress report never waits for the import's writes.
    """
    filename = filename or path.name
    report = _read(session, path, filename, la_code, on_progress, progress, write=False)
    if report.rejected and not partial:
        return report
    _read(session, path, filename, la_code, None, False, write=True)
    return report


def _read(
    session: Session,
    path: Path,
    filename: str,
    la_code: str | None,
    on_progress: Callable[[int, int], None] | None,
    progress: bool,
    *,
    write: bool,
) -> ImportReport:
    opened = open_text(path, filename)
    try:
        reader = csv.reader(opened.stream)
        try:
            header = [h.strip() for h in next(reader)]
        except (csv.Error, StopIteration):
            raise ImportFileError(f"{filename} is not a readable CSV file") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ImportFileError(f"{filename} is missing the column(s): {', '.join(missing)}")
        total = max(opened.lines - 1, 1)
        report = ImportReport()
        writes = _Writes(session) if write else None
        seen: set[str] = set()
        now = utcnow()
        bar = _progress_bar(total, progress)
        try:
            for number, values in enumerate(reader, start=2):
                done = number - 1
                if on_progress is not None and done % PROGRESS_EVERY == 0:
                    on_progress(done, total)
                if bar is not None and done % 1000 == 0:
                    bar.update(1000)
                if not any(v.strip() for v in values):
                    continue
                if len(values) < len(header):
                    report.reject(number, f"the row has {len(values)} columns, not {len(header)}")
                    continue
                row = dict(zip(header, (v.strip() for v in values), strict=False))
                _one(row, number, report, writes, seen, la_code, now)
        except csv.Error:
            raise ImportFileError(f"{filename} is not a readable CSV file") from None
        finally:
            if bar is not None:
                bar.render_finish()
    finally:
        opened.close()
    if writes is not None:
        writes.flush()
    if on_progress is not None:
        on_progress(total, total)
    return report


def _one(
    row: dict[str, str],
    number: int,
    report: ImportReport,
    writes: _Writes | None,
    seen: set[str],
    la_code: str | None,
    now: Any,
) -> None:
    urn = row["URN"]
    skipped = skip_status(row["EstablishmentStatus (name)"])
    if skipped:
        report.skip(skipped)
        return
    if la_code is not None and row["LA (code)"] != la_code:
        report.skip("another council")
        return
    kind = kind_of(row["TypeOfEstablishment (name)"], row["PhaseOfEducation (name)"])
    if kind is None:
        report.skip("not a setting")
        return
    if not urn.isdigit() or not 5 <= len(urn) <= 8:
        report.reject(number, f"URN {urn!r} is not 5 to 8 digits")
        return
    if urn in seen:
        report.reject(number, f"URN {urn} appears twice in the file")
        return
    if not row["EstablishmentName"]:
        report.reject(number, "EstablishmentName is empty")
        return
    postcode = row["Postcode"]
    if postcode.upper().startswith("BFPO"):
        postcode = ""  # a forces school abroad: no UK postcode to keep
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except ValueError:
            report.reject(number, f"Postcode {postcode!r} is not a UK postcode")
            return
    seen.add(urn)
    if writes is not None:
        writes.add({**_values(row, kind, now), "postcode": postcode})
    report.accepted += 1


def _progress_bar(total: int, show: bool) -> Any:
    if not show or total < 5000:
        return None
    import sys

    import click

    bar = click.progressbar(length=total, label="Importing settings", file=sys.stderr)
    bar.render_progress()
    return bar
