"""Plain SQL through the session's own driver connection, for the lookups done for every
child: SQLAlchemy's statement and result objects cost more than these index lookups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.exc import DBAPIError
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
    transaction.

    The driver's own errors are handed to SQLAlchemy as its own: a connection the server
    dropped (a restart) is invalidated, so the pool never hands it out again, and the
    error is the same OperationalError any other query gives (a 503, not a 500)."""
    connection = session.connection()
    raw = connection.connection
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(statement, tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()
    except dbapi.Error as exc:
        dropped = connection.dialect.is_disconnect(exc, raw.dbapi_connection, None)
        if dropped:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            statement,
            None,
            exc,
            dbapi.Error,
            hide_parameters=True,
            connection_invalidated=dropped,
            dialect=connection.dialect,
        ) from exc
