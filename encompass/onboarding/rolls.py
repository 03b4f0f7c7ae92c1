"""Import pupil rolls: our CSV, MIS and census CSVs, or a DfE Common Transfer File.

The file formats are read by onboarding/roll_files.py (and onboarding/ctf.py): our
`setting_urn,given_name,family_name,date_of_birth,postcode[,address,upn]`, the usual MIS
headers (`Surname,Forename,DOB,UPN,Postcode`, `Legal Surname`, `LAEstab`...), and CTF XML.
A row's setting is its URN, or its LAEstab through the stored GIAS establishment number,
or the `setting_urn` the coordinator gives for a file that names none.

Each setting named in the file has its roll replaced by the file's rows for it. The file
is read as a stream and written in batches (PostgreSQL: COPY; SQLite: the driver's
executemany), and names, postcodes and dates are checked and keyed once per distinct
value (a roll repeats them endlessly), so a national roll of a million pupils goes in
within a couple of minutes and a few hundred MB. Afterwards the name counts the matcher
weighs names by are rebuilt (matching/frequencies.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from encompass.db import is_postgres, utcnow
from encompass.files.csvfile import ImportFileError, ImportReport, parse_date
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.normalise import (
    family_block_key,
    given_block_key,
    house_key,
    name_key,
    postcode_key,
)
from encompass.models import Pupil, Setting
from encompass.models.fields import check_person_name, normalise_postcode
from encompass.onboarding.roll_files import row_setting
from encompass.onboarding.roll_formats import read_roll_file

REQUIRED = ("setting_urn", "given_name", "family_name", "date_of_birth", "postcode")
BATCH = 5000
PROGRESS_FROM = 5000
PROGRESS_EVERY = 1000
SQLITE_CACHE_KIB = 256 * 1024
_COLUMNS = (
    "setting_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "address",
    "upn",
    "given_key",
    "family_key",
    "postcode_key",
    "given_phon",
    "family_phon",
    "address_key",
)


@lru_cache(maxsize=65536)
def _given(value: str) -> tuple[str, str, str]:
    """(name as stored, key, phonetic key); ValueError if it is not a name."""
    name = check_person_name(value)
    key = name_key(name)
    return name, key[:100], given_block_key(key)


@lru_cache(maxsize=65536)
def _family(value: str) -> tuple[str, str, str]:
    name = check_person_name(value)
    key = name_key(name)
    return name, key[:100], family_block_key(key)


@lru_cache(maxsize=65536)
def _postcode(value: str) -> tuple[str, str]:
    if not value:
        return "", ""
    postcode = normalise_postcode(value)
    return postcode, postcode_key(postcode)


@lru_cache(maxsize=65536)
def _date(value: str) -> date:
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return parse_date(value)


def _field(what: str, check: Any, value: str) -> Any:
    """`check(value)`, its ValueError naming the field but never repeating the value."""
    try:
        return check(value)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def _pupil(row: dict[str, str], setting_id: int, today: date) -> tuple[Any, ...]:
    """One row as the table's columns (in _COLUMNS order); ValueError says what is wrong."""
    given, given_key, given_phon = _field("forename", _given, row.get("given_name", ""))
    family, family_key, family_phon = _field("surname", _family, row.get("family_name", ""))
    dob = _field("date of birth", _date, row.get("date_of_birth", ""))
    if dob > today:
        raise ValueError("date of birth: it is in the future")
    postcode, pc_key = _field("postcode", _postcode, row.get("postcode", ""))
    address = row.get("address", "")[:300]
    return (
        setting_id,
        given,
        family,
        dob,
        postcode,
        address,
        row.get("upn", "")[:13],
        given_key,
        family_key,
        pc_key,
        given_phon,
        family_phon,
        house_key(address, pc_key),
    )


class _Writer:
    """Batches of pupils into the table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = is_postgres(session)
        self.batch: list[tuple[Any, ...]] = []

    def add(self, pupil: tuple[Any, ...]) -> None:
        self.batch.append(pupil)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        columns = ", ".join(_COLUMNS)
        connection = self.session.connection().connection
        if self.postgres:
            with (
                connection.cursor() as cursor,  # type: ignore[attr-defined]
                cursor.copy(f"COPY pupil ({columns}) FROM STDIN") as copy,
            ):
                for pupil in self.batch:
                    copy.write_row(pupil)
        else:
            cursor = connection.cursor()
            try:
                cursor.executemany(
                    f"INSERT INTO pupil ({columns}) VALUES ({', '.join('?' * len(_COLUMNS))})",  # noqa: S608
                    [(p[0], p[1], p[2], p[3].isoformat(), *p[4:]) for p in self.batch],
                )
            finally:
                cursor.close()
        self.batch = []


def _progress(total: int, show: bool) -> AbstractContextManager[Any]:
    if not show or total < PROGRESS_FROM:
        return nullcontext(None)
    import click

    return click.progressbar(length=total, label="Reading roll", file=sys.stderr)


def _settings(session: Session, la_code: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """Setting ids by URN, and by LAEstab (LA code and GIAS establishment number); with
    `la_code`, only the settings of that council."""
    by_urn: dict[str, int] = {}
    by_laestab: dict[str, int] = {}
    query = select(Setting.id, Setting.urn, Setting.la_code, Setting.establishment_number)
    if la_code is not None:
        query = query.where(Setting.la_code == la_code)
    for setting_id, urn, la_code, number in session.exec(query):
        assert setting_id is not None
        by_urn[urn] = setting_id
        if la_code and number:
            by_laestab[f"{la_code}{number}"] = setting_id
    return by_urn, by_laestab


def _no_setting(urn: str, laestab: str, la_code: str | None) -> str:
    where = " in your council" if la_code is not None else ""
    if urn:
        return f"no setting with URN {urn}{where}"
    if laestab:
        return f"no setting with LAEstab {laestab}{where} (import the council's GIAS file first)"
    return "the row does not say which setting it is for: give the setting's URN"


def import_roll(
    session: Session,
    path: Path,
    *,
    progress: bool = False,
    setting_urn: str | None = None,
    filename: str | None = None,
    la_code: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    check_only: bool = False,
) -> ImportReport:
    """Replace the roll of each setting in the file. `setting_urn` names the setting of a
    file that does not say (a MIS export), and overrides what the file says; with
    `la_code` (a coordinator's upload) rows for other councils' settings are rejected.
    `on_progress(done, total)` is called every PROGRESS_EVERY rows. With `check_only`
    every row is checked and counted, and nothing is written."""
    file = read_roll_file(path, filename or path.name)
    total, rows = file.total, file.rows
    report = ImportReport(unit=file.unit)
    settings, by_laestab = _settings(session, la_code)
    if setting_urn and setting_urn not in settings:
        raise ImportFileError(_no_setting(setting_urn, "", la_code))
    if not (setting_urn or file.names_setting):
        raise ImportFileError(
            f"{filename or path.name} does not say which setting it is for: "
            "give the setting's URN (--setting URN)"
        )
    replaced: set[int] = set()
    writer = _Writer(session)
    today = utcnow().date()
    cache_size = None
    if not writer.postgres:
        # Index pages for a national roll do not fit SQLite's default 2 MB page cache.
        connection = session.connection()
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    with _progress(total, progress) as bar:
        for number, row in rows:
            if bar is not None and number % 1000 == 0:
                bar.update(1000)
            if on_progress is not None and number % PROGRESS_EVERY == 0:
                on_progress(number, total)
            urn, laestab = row_setting(row, file, setting_urn)
            setting_id = settings.get(urn) if urn else None
            if setting_id is None and laestab:
                setting_id = by_laestab.get(laestab)
            if setting_id is None:
                report.reject(number, _no_setting(urn, laestab, la_code))
                continue
            try:
                pupil = _pupil(row, setting_id, today)
            except ValueError as exc:
                report.reject(number, str(exc))
                continue
            if check_only:
                report.accepted += 1
                continue
            if setting_id not in replaced:
                # The old roll goes when the new one's first good row arrives.
                writer.flush()
                session.execute(delete(Pupil).where(col(Pupil.setting_id) == setting_id))
                replaced.add(setting_id)
            writer.add(pupil)
            report.accepted += 1
    writer.flush()
    # Written even when rows were rejected: the caller rolls back unless partial imports are wanted.
    now = utcnow()
    for setting_id in replaced:
        setting = session.get(Setting, setting_id)
        assert setting is not None
        setting.roll_imported_at = now
        session.add(setting)
    if replaced:
        session.flush()
        refresh_name_frequencies(session)
    if cache_size is not None:
        session.connection().exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
    return report
