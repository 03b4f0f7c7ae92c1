"""Key Adults (who is alerted), users (who signs in) and police forces (who submits)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow

KEY_ADULT_ROLES = ("dsl", "deputy", "head", "holiday_cover", "coordinator")
USER_ROLES = ("admin", "coordinator", "dsl", "police")


class KeyAdult(SQLModel, table=True):
    __tablename__ = "key_adult"

    id: int | None = Field(default=None, primary_key=True)
    # A setting's contact has setting_id; a council coordinator has la_code and no setting.
    setting_id: int | None = Field(default=None, foreign_key="setting.id", index=True)
    la_code: str | None = Field(default=None, max_length=10, index=True)
    role: str = Field(max_length=20)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    phone: str = Field(default="", max_length=20)
    phone_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when a provider refused this contact for good (bad number, unsubscribed):
    # shown to the coordinator, cleared when the contact is corrected.
    contact_failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contact_failure: str | None = Field(default=None, max_length=120)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PoliceForce(SQLModel, table=True):
    __tablename__ = "police_force"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    # sha256 of the key: the keys are 256-bit random, so a slow hash adds nothing.
    api_key_hash: str = Field(max_length=64, unique=True, index=True)
    api_key_prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    setting_id: int | None = Field(default=None, foreign_key="setting.id")
    force_id: int | None = Field(default=None, foreign_key="police_force.id")
    la_code: str | None = Field(default=None, max_length=10)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
