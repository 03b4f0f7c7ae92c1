"""Who did what to which record, when and from where. Written, never updated."""

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
