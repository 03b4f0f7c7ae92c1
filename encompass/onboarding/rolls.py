"""Import pupil rolls: setting_urn,given_name,family_name,date_of_birth,postcode[,address,upn].

Each setting named in the file has its roll replaced by the file's rows for it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from encompass.db import utcnow
from encompass.matching.normalise import name_key, postcode_key
from encompass.models import Pupil, Setting
from encompass.onboarding.csvfile import ImportReport, iter_with_progress, parse_date, read_rows
from encompass.validation import check_person_name, normalise_postcode

REQUIRED = ("setting_urn", "given_name", "family_name", "date_of_birth", "postcode")
BATCH = 5000


def _pupil(row: dict[str, str], setting_id: int, today: date) -> dict[str, Any]:
    given = check_person_name(row["given_name"])
    family = check_person_name(row["family_name"])
    dob = parse_date(row["date_of_birth"])
    if dob > today:
        raise ValueError("date_of_birth is in the future")
    postcode = normalise_postcode(row["postcode"]) if row["postcode"] else ""
    return {
        "setting_id": setting_id,
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob,
        "postcode": postcode,
        "address": row.get("address", "")[:300],
        "upn": row.get("upn", "")[:13],
        "given_key": name_key(given),
        "family_key": name_key(family),
        "postcode_key": postcode_key(postcode),
    }


def import_roll(session: Session, path: Path, *, progress: bool = False) -> ImportReport:
    _, rows = read_rows(path, REQUIRED)
    report = ImportReport()
    settings = {s.urn: s.id for s in session.exec(select(Setting))}
    by_setting: dict[int, list[dict[str, Any]]] = defaultdict(list)
    today = utcnow().date()
    for number, row in iter_with_progress(rows, "Reading roll", progress):
        setting_id = settings.get(row["setting_urn"])
        if setting_id is None:
            report.reject(number, f"no setting with URN {row['setting_urn']!r}")
            continue
        try:
            by_setting[setting_id].append(_pupil(row, setting_id, today))
        except ValueError as exc:
            report.reject(number, str(exc))
            continue
        report.accepted += 1
    # Written even when rows were rejected: the caller rolls back unless partial imports are wanted.
    now = utcnow()
    for setting_id, pupils in by_setting.items():
        session.execute(delete(Pupil).where(col(Pupil.setting_id) == setting_id))
        for start in range(0, len(pupils), BATCH):
            session.execute(insert(Pupil), pupils[start : start + BATCH])
        setting = session.get(Setting, setting_id)
        assert setting is not None
        setting.roll_imported_at = now
        session.add(setting)
    return report
