"""Engine and sessions. Migrations live in encompass/migrations/ (Alembic)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every backend; always handed back timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def make_engine(url: str) -> Engine:
    """The engine. Its errors never carry the statement's values (hide_parameters): a
    failed insert of a child or a roll row is logged with its SQL, never the child."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            # Read the file through the OS page cache, not a copy per read: a national
            # pupil roll is a few hundred MB and the matcher reads it at random.
            cur.execute("PRAGMA mmap_size=1073741824")
            cur.close()

        return engine
    # pool_pre_ping: a connection the server dropped (a restart, a failover) is found and
    # replaced at checkout, so every process reconnects by itself. Ten kept open: the
    # worker sends WORKER_SEND_CONCURRENCY (8) messages at once, each writing its outcome,
    # and connections past the pool's size are closed on return and made again (a
    # connection costs more CPU than the statement). A web process opens only the
    # connections it uses at once (one per request under gunicorn's sync workers).
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )
    event.listen(engine, "handle_error", _drop_server_detail)
    return engine


def _drop_server_detail(context: Any) -> None:
    """PostgreSQL's own message can quote the failing row ("DETAIL: Failing row contains
    (..., Amelia, ...)"): keep the message, which names the constraint, and drop that detail."""
    for exc in (context.original_exception, context.sqlalchemy_exception):
        if exc is not None and exc.args and isinstance(exc.args[0], str):
            first, _, rest = exc.args[0].partition("\nDETAIL:")
            if rest:
                exc.args = (first, *exc.args[1:])


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# What a database that is away (restarting, failing over, out of connections) raises.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,  # no connection free in the pool in time
)


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database is away for now (answer 503 and retry), rather than
    a fault in what was asked of it."""
    if isinstance(exc, UNAVAILABLE):
        return True
    # A session whose connection died mid-transaction refuses to go on until rolled back.
    return isinstance(exc, sa_exc.PendingRollbackError) and isinstance(
        exc.__cause__ or exc.__context__, UNAVAILABLE
    )
