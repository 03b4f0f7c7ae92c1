"""Key rotation: every encrypted value re-encrypted under the newest data key.

Add a new key in front of ENCOMPASS_DATA_KEYS, run `encompass keys rotate`, then drop the
old key. Safe while the service runs, and safe to re-run after a stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Text, select, update
from sqlmodel import Session, SQLModel

import encompass.models  # noqa: F401 - registers every table
from encompass.records.encryption import EncryptedJSON, EncryptedText, StoredToken, reencrypt


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


def rotate_all(session: Session, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value under the newest key; plaintext gets encrypted.

    Works on the raw stored text (never decoded to Python values), batch by batch, and
    commits each batch, so it can run while the service is up and be re-run after a stop.
    """
    counts: dict[str, int] = {}
    for spec in encrypted_columns():
        table = SQLModel.metadata.tables[spec.table]
        pk = table.c.id
        raw = table.c[spec.column].cast(Text)  # skip the TypeDecorator: rotate the text
        done, last_id = 0, 0
        while True:
            rows = session.execute(
                select(pk, raw).where(pk > last_id).order_by(pk).limit(batch)
            ).all()
            if not rows:
                break
            for row_id, stored in rows:
                last_id = row_id
                if not stored:
                    continue
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
