"""Onboarding records: phone verification codes, and file imports run from the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow


class PhoneVerification(SQLModel, table=True):
    """One code sent to a Key Adult's phone. Only a keyed hash of the code is kept."""

    __tablename__ = "phone_verification"

    id: int | None = Field(default=None, primary_key=True)
    key_adult_id: int = Field(foreign_key="key_adult.id", index=True)
    # The number the code went to: verifying it says nothing about a number changed since.
    phone: str = Field(max_length=20)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    attempts: int = 0
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class ImportJob(SQLModel, table=True):
    """A file import started from a page: runs in the background, its progress polled."""

    __tablename__ = "import_job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="gias", max_length=20)  # gias or roll
    # A roll file that does not say which setting it is for: the setting the user chose.
    setting_urn: str = Field(default="", max_length=20)
    filename: str = Field(max_length=200)
    # A coordinator imports their own council's rows only; None means every council.
    la_code: str | None = Field(default=None, max_length=10)
    partial: bool = False
    status: str = Field(default="queued", max_length=10)
    total_rows: int = 0
    processed_rows: int = 0
    accepted: int = 0
    skipped: int = 0
    rejected: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    error: str = Field(default="", max_length=500)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
