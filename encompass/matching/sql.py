"""Plain SQL through the session's own driver connection, for the lookups done for every
child: SQLAlchemy's statement and result objects cost more than these index lookups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session


def placeholder(session: Session) -> str:
    """The driver's parameter marker: "?" for SQLite, "%s" for psycopg."""
    return "?" if session.get_bind().dialect.name == "sqlite" else "%s"


def as_date(value: Any) -> date:
    """A date as the driver gives it back: SQLite's ISO text, or a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def marks(count: int, mark: str) -> str:
    return ", ".join([mark] * count)


def fetch(session: Session, statement: str, params: Sequence[Any]) -> list[Any]:
    """Rows of `statement` (driver placeholders, bound `params`), inside the session's
    transaction."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(statement, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()
