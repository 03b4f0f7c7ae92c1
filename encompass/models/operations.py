"""What the operations team watches: each worker's last completed pass, and the counters
every worker adds to (passes, their duration, the providers' answers), kept in the
database so every web process reports the same figures."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow


class WorkerHeartbeat(SQLModel, table=True):
    """One worker process (host:pid) and its last completed pass."""

    __tablename__ = "worker_heartbeat"

    worker: str = Field(primary_key=True, max_length=120)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_pass_at: datetime = Field(sa_type=UTCDateTime, index=True)
    last_pass_ms: int = 0


class OperationsCounter(SQLModel, table=True):
    """A counter every worker adds to in one upsert: only ever grows (counts, no data)."""

    __tablename__ = "operations_counter"

    name: str = Field(primary_key=True, max_length=60)
    label: str = Field(primary_key=True, max_length=60, default="")
    value: float = 0.0
