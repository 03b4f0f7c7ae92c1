"""Import pupil rolls: setting_urn,given_name,family_name,date_of_birth,postcode[,address,upn].

Each setting named in the file has its roll replaced by the file's rows for it. The file
is read as a stream and written in batches (PostgreSQL: COPY; SQLite: the driver's
executemany), and names, postcodes and dates are checked and keyed once per distinct
value (a roll repeats them endlessly), so a national roll of a million pupils goes in
within a couple of minutes and a few hundred MB. Afterwards the name counts the matcher
weighs names by are rebuilt (matching/frequencies.py).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from encompass.db import is_postgres, utcnow
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.normalise import (
    family_block_key,
    given_block_key,
    name_key,
    postcode_key,
)
from encompass.models import Pupil, Setting
from encompass.models.fields import check_person_name, normalise_postcode
from encompass.onboarding.csvfile import ImportError_, ImportReport, decode, parse_date

REQUIRED = ("setting_urn", "given_name", "family_name", "date_of_birth", "postcode")
BATCH = 5000
PROGRESS_FROM = 5000
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


def _pupil(row: dict[str, str], setting_id: int, today: date) -> tuple[Any, ...]:
    """One row as the table's columns (in _COLUMNS order); ValueError says what is wrong."""
    given, given_key, given_phon = _given(row["given_name"])
    family, family_key, family_phon = _family(row["family_name"])
    dob = _date(row["date_of_birth"])
    if dob > today:
        raise ValueError("date_of_birth is in the future")
    postcode, pc_key = _postcode(row["postcode"])
    return (
        setting_id,
        given,
        family,
        dob,
        postcode,
        row.get("address", "")[:300],
        row.get("upn", "")[:13],
        given_key,
        family_key,
        pc_key,
        given_phon,
        family_phon,
    )


def _rows(path: Path) -> tuple[int, Iterator[tuple[int, dict[str, str]]]]:
    """(about how many rows, the rows as they are read); row 1 is the header."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot open {path}: {exc.strerror}") from None
    if not raw.strip():
        raise ImportError_(f"{path} is empty")
    text = decode(raw)
    del raw
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise ImportError_(f"{path.name} is not a readable CSV file: {exc}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportError_(f"{path.name} is missing the column(s): {', '.join(missing)}")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, values in enumerate(reader, start=2):
                row = dict(zip(header, (v.strip() for v in values), strict=False))
                for name in header[len(values) :]:
                    row[name] = ""
                yield number, row
        except csv.Error as exc:
            raise ImportError_(f"{path.name} is not a readable CSV file: {exc}") from None

    return text.count("\n"), rows()


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


def import_roll(session: Session, path: Path, *, progress: bool = False) -> ImportReport:
    total, rows = _rows(path)
    report = ImportReport()
    settings = {s.urn: s.id for s in session.exec(select(Setting))}
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
            setting_id = settings.get(row["setting_urn"])
            if setting_id is None:
                report.reject(number, f"no setting with URN {row['setting_urn']!r}")
                continue
            try:
                pupil = _pupil(row, setting_id, today)
            except ValueError as exc:
                report.reject(number, str(exc))
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
