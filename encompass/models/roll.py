"""Pupils on a setting's roll, with the normalised keys the matcher looks them up by."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime


class Pupil(SQLModel, table=True):
    # The matcher's blocking keys (encompass/matching/candidates.py): never a scan.
    __table_args__ = (
        Index("ix_pupil_dob_phon", "date_of_birth", "family_phon", "given_phon"),
        Index("ix_pupil_dob_given", "date_of_birth", "given_phon"),
        Index("ix_pupil_postcode", "postcode_key"),
        Index("ix_pupil_names", "family_phon", "given_phon"),
        Index("ix_pupil_setting", "setting_id"),
        Index("ix_pupil_house", "address_key"),
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
    # Metaphone of the first given name and of the word the surname is filed under.
    given_phon: str = Field(default="", max_length=12)
    family_phon: str = Field(default="", max_length=12)
    # The house number and the street's first letters (matching/normalise.py, house_key).
    address_key: str = Field(default="", max_length=24)


class NameFrequency(SQLModel, table=True):
    """How many pupils on all rolls share a first name or a surname ("total": all pupils).

    Agreeing on "Smith" says less than agreeing on "Wojciechowski": the matcher weighs an
    exact name by how common it is. Rebuilt after every roll import.
    """

    __tablename__ = "name_frequency"

    kind: str = Field(max_length=10, primary_key=True)  # "given", "family" or "total"
    name: str = Field(max_length=100, primary_key=True)
    pupils: int = 0


class MatchWeight(SQLModel, table=True):
    """What one level of agreement on one field is worth to the matcher: m (how often a
    child shows it against its own pupil) and u (how often two different pupils show it),
    learned after every roll import (encompass/matching/learn.py). Rows with field "prior"
    hold in `m` the learned share of notice children who are on some roll ("on_roll") and
    the shares of pupils who have a twin ("twins") or a brother or sister ("siblings") on
    the rolls, and what the notices' brothers and sisters say ("together", "off_roll_*").
    Rows with field "postcode_area" hold in `m` the share of pupils in that postcode area
    (the level)."""

    __tablename__ = "match_weight"

    field: str = Field(max_length=20, primary_key=True)
    level: str = Field(max_length=20, primary_key=True)
    m: float = 0.0
    u: float = 0.0
    learned_at: datetime = Field(sa_type=UTCDateTime)
    # Notices whose children the m probabilities were learned from.
    notices: int = 0
