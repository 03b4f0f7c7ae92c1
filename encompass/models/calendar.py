"""Term dates: spans when a setting is open, and holidays and INSET days when it is not.

A council's entries (la_code) apply to its schools; a setting's own entries (setting_id)
override them on the days they cover.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow

ENTRY_KINDS = ("term", "holiday", "inset")


class CalendarEntry(SQLModel, table=True):
    __tablename__ = "calendar_entry"
    __table_args__ = (
        Index("ix_calendar_entry_la", "la_code", "start"),
        Index("ix_calendar_entry_setting", "setting_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    la_code: str | None = Field(default=None, max_length=10)
    setting_id: int | None = Field(default=None, foreign_key="setting.id")
    start: date
    end: date  # inclusive
    kind: str = Field(max_length=10)
    summary: str = Field(default="", max_length=200)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BankHoliday(SQLModel, table=True):
    """A bank holiday from GOV.UK's bank-holidays.json, on top of the `holidays` package's."""

    __tablename__ = "bank_holiday"
    __table_args__ = (UniqueConstraint("division", "day", name="uq_bank_holiday_division_day"),)

    id: int | None = Field(default=None, primary_key=True)
    division: str = Field(max_length=20)  # england-and-wales, scotland, northern-ireland
    day: date
    title: str = Field(default="", max_length=120)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
