"""Key rotation: every encrypted value re-encrypted under the newest data key.

Add a new key in front of ENCOMPASS_DATA_KEYS, run `encompass keys rotate`, then drop the
old key. Safe while the service runs, and safe to re-run after a stop. `encompass keys
check` (check_all) proves every stored value decrypts with the configured keys: after a
rotation, before dropping an old key, and after restoring a backup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Text, select, update
from sqlmodel import Session, SQLModel

import encompass.models  # noqa: F401 - registers every table
from encompass.encryption import (
    EncryptedJSON,
    EncryptedText,
    StoredToken,
    key_index,
    reencrypt,
)


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    column: str


def encrypted_columns() -> list[EncryptedColumn]:
    """Every column of every table whose type is EncryptedText or EncryptedJSON."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText | EncryptedJSON):
                found.append(EncryptedColumn(table.name, column.name))
    return found


def stored_batches(
    session: Session, spec: EncryptedColumn, batch: int
) -> Iterator[list[tuple[int, str]]]:
    """A column's raw stored text (never decoded to Python values), `batch` rows at a
    time in id order: (row id, stored text) for every row that has a value."""
    table = SQLModel.metadata.tables[spec.table]
    pk, raw = table.c.id, table.c[spec.column].cast(Text)  # skip the TypeDecorator
    last_id = 0
    while True:
        rows = session.execute(select(pk, raw).where(pk > last_id).order_by(pk).limit(batch)).all()
        if not rows:
            return
        last_id = rows[-1][0]
        yield [(row_id, stored) for row_id, stored in rows if stored]


def rotate_all(session: Session, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value under the newest key; plaintext gets encrypted.

    Works on the raw stored text, batch by batch, and commits each batch, so it can run
    while the service is up and be re-run after a stop.
    """
    counts: dict[str, int] = {}
    for spec in encrypted_columns():
        table = SQLModel.metadata.tables[spec.table]
        pk, raw = table.c.id, table.c[spec.column].cast(Text)
        done = 0
        for rows in stored_batches(session, spec, batch):
            for row_id, stored in rows:
                # Only if unchanged since read: a write in between is already current.
                result = session.execute(
                    update(table)
                    .where(pk == row_id, raw == stored)
                    .values({spec.column: StoredToken(reencrypt(stored))})
                )
                done += result.rowcount  # type: ignore[attr-defined]
            session.commit()
        counts[f"{spec.table}.{spec.column}"] = done
    return counts


@dataclass
class ColumnCheck:
    """One encrypted column: its values by the key that reads them."""

    column: str
    newest: int = 0
    older: int = 0
    plaintext: int = 0
    unreadable: int = 0
    # The first rows no key reads (ids only: never the value).
    unreadable_ids: list[int] = field(default_factory=list)

    def add(self, row_id: int, index: int | None) -> None:
        if index is None:
            self.unreadable += 1
            if len(self.unreadable_ids) < 10:
                self.unreadable_ids.append(row_id)
        elif index == -1:
            self.plaintext += 1
        elif index == 0:
            self.newest += 1
        else:
            self.older += 1


def check_all(session: Session, batch: int = 1000) -> list[ColumnCheck]:
    """Every encrypted value, tried against the configured keys (nothing is written, and
    nothing decrypted is kept)."""
    checks = []
    for spec in encrypted_columns():
        check = ColumnCheck(f"{spec.table}.{spec.column}")
        for rows in stored_batches(session, spec, batch):
            for row_id, stored in rows:
                check.add(row_id, key_index(stored))
        checks.append(check)
    return checks
