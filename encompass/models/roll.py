"""Pupils on a setting's roll, with the normalised keys the matcher looks them up by."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Pupil(SQLModel, table=True):
    __table_args__ = (
        Index("ix_pupil_dob_family", "date_of_birth", "family_key"),
        Index("ix_pupil_setting", "setting_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    setting_id: int = Field(foreign_key="setting.id")
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: date
    postcode: str = Field(default="", max_length=10)
    address: str = Field(default="", max_length=300)
    upn: str = Field(default="", max_length=13)
    given_key: str = Field(max_length=100)
    family_key: str = Field(max_length=100)
    postcode_key: str = Field(default="", max_length=8)
