"""Escalation ladders: a council default, and per-setting overrides; the shape of a step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel
from typing_extensions import TypedDict  # pydantic reads TypedDicts from here before 3.12

from encompass.db import UTCDateTime, utcnow


class LadderNotify(TypedDict):
    """Who a step tells (a Key Adult role, or "coordinator"), and by which channels."""

    role: str
    channels: list[str]


class LadderStep(TypedDict):
    """One step of a ladder, as alerts/ladder.validate checks it and an alert stores it."""

    name: str
    at: str  # "send" (the alert's creation) or "due_by"
    offset_minutes: int
    not_before_minutes: int
    notify: list[LadderNotify]
    mark_escalated: bool


class EscalationLadder(SQLModel, table=True):
    __tablename__ = "escalation_ladder"

    id: int | None = Field(default=None, primary_key=True)
    la_code: str | None = Field(default=None, max_length=10, index=True)
    setting_id: int | None = Field(default=None, foreign_key="setting.id", unique=True)
    steps: list[LadderStep] = Field(default_factory=list, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
