"""Who did what to which record, when and from where. Written, then sealed, never changed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    force_id: int | None = Field(default=None, foreign_key="police_force.id")
    action: str = Field(max_length=60)
    object_type: str = Field(default="", max_length=30)
    object_id: int | None = None
    remote_addr: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=500)
    # The hash chain (records/audit.py): written unsealed, sealed later in order. seq is
    # the entry's place in the chain, prev_hash the hash of entry seq-1, and hash covers
    # this entry's fields and prev_hash. Sealed entries cannot change (a trigger refuses).
    seq: int | None = Field(default=None, unique=True, index=True)
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)
