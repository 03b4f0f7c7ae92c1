"""Import settings from a GIAS establishment download (Get Information About Schools)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

from encompass.db import utcnow
from encompass.models import Setting
from encompass.models.fields import normalise_postcode
from encompass.onboarding.csvfile import ImportReport, iter_with_progress, read_rows

REQUIRED = (
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "EstablishmentStatus (name)",
    "LA (code)",
    "Postcode",
)

# How often an import from the pages reports how far it has got.
PROGRESS_EVERY = 200


def _kind(type_name: str, phase: str) -> str:
    text = f"{type_name} {phase}".lower()
    return "early_years" if "nursery" in text or "early years" in text else "school"


def _nation(type_name: str) -> str:
    return "wales" if "welsh" in type_name.lower() else "england"


def import_gias(
    session: Session,
    path: Path,
    *,
    progress: bool = False,
    la_code: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update a setting per open establishment; closed ones are skipped.

    With `la_code`, rows of other councils are skipped (a coordinator imports their own
    council from a national download). `on_progress(done, total)` is called as it goes.
    """
    _, rows = read_rows(path, REQUIRED)
    report = ImportReport()
    existing = {s.urn: s for s in session.exec(select(Setting))}
    seen: set[str] = set()
    now = utcnow()
    for done, (number, row) in enumerate(
        iter_with_progress(rows, "Importing settings", progress), start=1
    ):
        if on_progress is not None and done % PROGRESS_EVERY == 0:
            on_progress(done, len(rows))
        urn = row["URN"]
        status = row["EstablishmentStatus (name)"]
        if status.lower().startswith("closed"):
            report.skip("closed")
            continue
        if la_code is not None and row["LA (code)"] != la_code:
            report.skip("another council")
            continue
        if not urn.isdigit() or not 5 <= len(urn) <= 8:
            report.reject(number, f"URN {urn!r} is not 5 to 8 digits")
            continue
        if urn in seen:
            report.reject(number, f"URN {urn} appears twice in the file")
            continue
        name = row["EstablishmentName"]
        if not name:
            report.reject(number, "EstablishmentName is empty")
            continue
        postcode = row["Postcode"]
        if postcode:
            try:
                postcode = normalise_postcode(postcode)
            except ValueError:
                report.reject(number, f"Postcode {postcode!r} is not a UK postcode")
                continue
        seen.add(urn)
        setting = existing.get(urn) or Setting(urn=urn, name=name, created_at=now)
        setting.name = name[:200]
        setting.type_name = row["TypeOfEstablishment (name)"][:120]
        setting.phase = row["PhaseOfEducation (name)"][:60]
        setting.kind = _kind(setting.type_name, setting.phase)
        setting.la_code = row["LA (code)"][:10]
        setting.la_name = row.get("LA (name)", "")[:120]
        setting.postcode = postcode
        setting.nation = _nation(setting.type_name)
        setting.updated_at = now
        session.add(setting)
        report.accepted += 1
    if on_progress is not None:
        on_progress(len(rows), len(rows))
    return report
