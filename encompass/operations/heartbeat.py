"""The worker's heartbeat: each completed pass is written to the database, with its
counts added to the operations counters, so any web process can say whether alerts are
being sent (`/healthz/worker`, the banner on the admin pages) and `/metrics` reports the
same totals whichever process answers."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from encompass.db import is_postgres
from encompass.models import OperationsCounter, WorkerHeartbeat

# The bounds (seconds) of the worker pass duration histogram.
PASS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
PASSES = "worker_passes"
DURATION_SUM = "worker_pass_seconds"
DURATION_BUCKET = "worker_pass_bucket"
WORK = "worker_work"
PROVIDER_ANSWERS = "provider_answers"
# The statuses a send ends in, as the provider's answer: taken, refused for now (retried
# with backoff), refused for good (or out of attempts). A cancelled message was not sent.
ANSWER_KINDS = {"created": "temporary_error", "failed": "failed", "cancelled": ""}
# A worker not heard of for this long is forgotten (its counts stay in the counters).
FORGET_AFTER = timedelta(days=7)


def worker_name() -> str:
    """This process, as its heartbeat row names it."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def bucket_of(seconds: float) -> str:
    """The histogram bucket a pass of this length falls in (its upper bound)."""
    for bound in PASS_BUCKETS:
        if seconds <= bound:
            return repr(bound)
    return "+Inf"


def counter_rows(seconds: float, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """What one pass adds to the counters."""
    rows = [
        {"name": PASSES, "label": "", "value": 1.0},
        {"name": DURATION_SUM, "label": "", "value": seconds},
        {"name": DURATION_BUCKET, "label": bucket_of(seconds), "value": 1.0},
    ]
    answers: dict[str, int] = {}
    for key, n in counts.items():
        rows.append({"name": WORK, "label": key[:60], "value": float(n)})
        if key in _WORK_NOT_SENDS:
            continue
        kind = ANSWER_KINDS.get(key, "accepted")
        if kind:
            answers[kind] = answers.get(kind, 0) + n
    rows += [{"name": PROVIDER_ANSWERS, "label": k, "value": float(n)} for k, n in answers.items()]
    return rows


# What a pass counts besides the statuses its sends ended in (worker.tick).
_WORK_NOT_SENDS = frozenset(
    {
        "failures_followed_up",
        "holiday_reminders",
        "reviews_escalated",
        "escalation_steps",
        "notices_minimised",
    }
)


def record_pass(
    session: Session,
    now: datetime,
    seconds: float,
    counts: Mapping[str, int],
    worker: str | None = None,
) -> None:
    """One completed pass: the worker's heartbeat, and its counts added to the counters.
    The caller commits."""
    write_passes(session, now, int(seconds * 1000), counter_rows(seconds, counts), worker)


def write_passes(
    session: Session,
    now: datetime,
    last_pass_ms: int,
    rows: list[dict[str, Any]],
    worker: str | None = None,
) -> None:
    """The heartbeat (the last pass completed `now`), and `rows` added to the counters,
    each an atomic `value = value + n`, so every worker process adds to the same totals."""
    insert: Any = pg_insert if is_postgres(session) else sqlite_insert
    beat = WorkerHeartbeat.__table__  # type: ignore[attr-defined]
    session.execute(
        insert(beat)
        .values(
            worker=worker or worker_name(),
            started_at=now,
            last_pass_at=now,
            last_pass_ms=last_pass_ms,
        )
        .on_conflict_do_update(
            index_elements=[beat.c.worker],
            set_={"last_pass_at": now, "last_pass_ms": last_pass_ms},
        )
    )
    if not rows:
        return
    table = OperationsCounter.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(rows)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.name, table.c.label],
            set_={"value": table.c.value + stmt.excluded.value},
        )
    )


class Heartbeat:
    """A worker's passes, added up and written at most every `every` (wall clock): a
    worker ticking five times a second writes its heartbeat once in a few seconds, well
    within WORKER_STALE_SECONDS, and its counters lose nothing in between."""

    def __init__(self, every: timedelta = timedelta(seconds=5)) -> None:
        self.every = every
        self.written_at: datetime | None = None
        self.last_pass_ms = 0
        self.pending: dict[tuple[str, str], float] = {}

    def add(self, seconds: float, counts: Mapping[str, int]) -> None:
        self.last_pass_ms = int(seconds * 1000)
        for row in counter_rows(seconds, counts):
            key = (row["name"], row["label"])
            self.pending[key] = self.pending.get(key, 0.0) + row["value"]

    def due(self, now: datetime) -> bool:
        return self.written_at is None or now - self.written_at >= self.every

    def write(self, session: Session, now: datetime) -> None:
        """Into the caller's transaction; call `written` once it has committed."""
        rows = [{"name": n, "label": lb, "value": v} for (n, lb), v in self.pending.items()]
        write_passes(session, now, self.last_pass_ms, rows)

    def written(self, now: datetime) -> None:
        self.pending.clear()
        self.written_at = now


def forget_old_workers(session: Session, now: datetime) -> int:
    """Heartbeat rows of workers gone for a week (restarts make new ones)."""
    gone = session.execute(
        delete(WorkerHeartbeat).where(col(WorkerHeartbeat.last_pass_at) < now - FORGET_AFTER)
    )
    return int(gone.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class WorkerHealth:
    """The last pass any worker completed, and whether that is too long ago."""

    last_pass_at: datetime | None
    stale_after: timedelta
    now: datetime

    @property
    def stale(self) -> bool:
        return self.last_pass_at is None or self.now - self.last_pass_at > self.stale_after

    @property
    def seconds_since(self) -> float | None:
        if self.last_pass_at is None:
            return None
        return round((self.now - self.last_pass_at).total_seconds(), 3)


def worker_health(session: Session, now: datetime, stale_after: timedelta) -> WorkerHealth:
    last = session.exec(select(func.max(col(WorkerHeartbeat.last_pass_at)))).one()
    return WorkerHealth(last_pass_at=last, stale_after=stale_after, now=now)


def counters(session: Session) -> dict[tuple[str, str], float]:
    """Every counter's value, by (name, label)."""
    rows = session.exec(
        select(OperationsCounter.name, OperationsCounter.label, OperationsCounter.value)
    ).all()
    return {(name, label): float(value) for name, label, value in rows}
