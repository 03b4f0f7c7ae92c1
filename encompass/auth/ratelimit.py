"""Rate limits and lockout counted in the database, so every web process counts together.

A bucket ("signin-account:<hash>", "api-key:7", "link-addr:192.0.2.1") has a fixed window
and a hit count, updated in one upsert statement (INSERT ... ON CONFLICT DO UPDATE ...
RETURNING, on SQLite and PostgreSQL alike): no read-then-write race between workers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from encompass.db import UTCDateTime, is_postgres
from encompass.models import RateCounter


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits per `window` in one bucket."""

    limit: int
    window: timedelta


def bucket(kind: str, value: str) -> str:
    """A bucket name that never holds the raw value (an e-mail address is personal data)."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def account_bucket(email: str) -> str:
    """Failed sign-ins to one account, by the address typed (known or not)."""
    return bucket("signin-account", email)


def hit(session: Session, name: str, window: timedelta, now: datetime) -> int:
    """Count one hit in the bucket's current window and return the count so far.

    A window older than `window` starts again at 1. The caller commits.
    """
    table = RateCounter.__table__  # type: ignore[attr-defined]
    insert: Any = pg_insert if is_postgres(session) else sqlite_insert
    expired = table.c.window_start <= now - window
    stmt = (
        insert(table)
        .values(bucket=name, window_start=now, hits=1)
        .on_conflict_do_update(
            index_elements=[table.c.bucket],
            set_={
                "hits": case((expired, 1), else_=table.c.hits + 1),
                "window_start": case(
                    (expired, literal(now, UTCDateTime())), else_=table.c.window_start
                ),
            },
        )
        .returning(table.c.hits)
    )
    return int(session.execute(stmt).scalar_one())


def count(session: Session, name: str, window: timedelta, now: datetime) -> int:
    """Hits in the bucket's current window, without counting one."""
    row = session.exec(select(RateCounter).where(RateCounter.bucket == name)).first()
    if row is None or row.window_start <= now - window:
        return 0
    return row.hits


def over(session: Session, name: str, limit: Limit, now: datetime) -> bool:
    return count(session, name, limit.window, now) >= limit.limit


def clear(session: Session, name: str) -> None:
    session.execute(delete(RateCounter).where(col(RateCounter.bucket) == name))


def sweep(session: Session, now: datetime, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget windows long finished (run by the worker)."""
    result = session.execute(
        delete(RateCounter).where(col(RateCounter.window_start) < now - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
