"""Key Adults (who is alerted), users (who signs in) and police forces (who submits)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow
from encompass.encryption import EncryptedText

# A council's "coordinator_deputy" is told when a review item nobody has decided on is due.
KEY_ADULT_ROLES = ("dsl", "deputy", "head", "holiday_cover", "coordinator", "coordinator_deputy")
USER_ROLES = ("admin", "coordinator", "dsl", "police")


def N_(text: str) -> str:
    """Marks a text for the Welsh catalogue where it is made; pages translate it when they
    show it (`gettext(SETTING_ROLES[role])`)."""
    return text


# A setting's Key Adult roles, and how pages name them (in English here: translated when
# shown).
SETTING_ROLES = {
    "dsl": N_("Designated Safeguarding Lead"),
    "deputy": N_("Deputy DSL"),
    "head": N_("Headteacher or manager"),
    "holiday_cover": N_("Holiday cover"),
}


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
    # Operation Encompass training: a setting joins once its Key Adults are trained, and
    # the council asks for a refresher before it runs out.
    training_completed_on: date | None = None
    training_expires_on: date | None = None
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The account this Key Adult signs in with (one person may be a Key Adult at several
    # settings, with one account); made, and an invitation sent, when they are added.
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    # The language their messages go in: "cy" or "en" once they (or the council, from the
    # contacts file) have said; None until then, when the setting's choice applies
    # (encompass/language/choice.py). Kept the same as their account's when they choose.
    language: str | None = Field(default=None, max_length=2)


class PoliceForce(SQLModel, table=True):
    __tablename__ = "police_force"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    # Its API keys are ApiKey rows (encompass/models/security.py): rotated with an overlap.
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


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
    # Authenticator app (TOTP, RFC 6238): the secret is encrypted at rest; it counts only
    # once confirmed with a code (totp_enabled_at). The last time step used is kept so a
    # code cannot be replayed.
    totp_secret: str | None = Field(default=None, sa_type=EncryptedText)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = None
    # "cy" or "en": the language of their pages and messages, asked at first sign-in and
    # changed with the Cymraeg / English switch or on their account page; None: not asked.
    language: str | None = Field(default=None, max_length=2)


class Invitation(SQLModel, table=True):
    """A single-use, expiring link to set a password: only its sha256 is kept.

    `purpose` is "invitation" (a first password, from the invitation e-mail or a verified
    mobile's alert link) or "reset" (a forgotten password, /password-reset).
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    purpose: str = Field(
        default="invitation", max_length=20, sa_column_kwargs={"server_default": "invitation"}
    )
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who sent it (a coordinator), or None (an import, or an alert link opened first).
    sent_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
