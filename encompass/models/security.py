"""Force API keys (rotated with an overlap), the counters behind rate limits and lockout, and
the server-side record of every signed-in session."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow


class ApiKey(SQLModel, table=True):
    """One of a force's API keys: only its sha256 is stored, the key is shown once."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    force_id: int = Field(foreign_key="police_force.id", index=True)
    # sha256 of the key: the keys are 256-bit random, so a slow hash adds nothing.
    key_hash: str = Field(max_length=64, unique=True, index=True)
    # The first characters, so an operator can tell keys apart without seeing one.
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when a newer key replaces this one: it keeps working until then (the overlap).
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RateCounter(SQLModel, table=True):
    """Hits on one bucket (an address, an account, a key) in the current fixed window.

    In the database, so every web process counts together; upserted in one statement.
    """

    __tablename__ = "rate_counter"

    bucket: str = Field(primary_key=True, max_length=120)
    window_start: datetime = Field(sa_type=UTCDateTime, index=True)
    hits: int = 0


class UserSession(SQLModel, table=True):
    """One signed-in session: the cookie holds a random id, only its sha256 is kept here.

    Ending the row ends every copy of the cookie at once (sign-out, deactivation, a reset).
    """

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    seen_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_reason: str | None = Field(default=None, max_length=30)


class RememberedDevice(SQLModel, table=True):
    """A browser its user chose to remember for the working day after a right code: signing
    in there asks for the password only, until it expires or is ended (one by one on the
    account page, or with every session: sign out everywhere, a new password, a reset).

    The device's cookie is signed and carries a random id; only its sha256 is kept here.
    """

    __tablename__ = "remembered_device"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # What the browser said it was ("Chrome on Android"), so its owner can tell devices apart.
    label: str = Field(default="", max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_reason: str | None = Field(default=None, max_length=30)
