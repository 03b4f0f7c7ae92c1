"""Escalation ladders: a council default, and per-setting overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow


class EscalationLadder(SQLModel, table=True):
    __tablename__ = "escalation_ladder"

    id: int | None = Field(default=None, primary_key=True)
    la_code: str | None = Field(default=None, max_length=10, index=True)
    setting_id: int | None = Field(default=None, foreign_key="setting.id", unique=True)
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
