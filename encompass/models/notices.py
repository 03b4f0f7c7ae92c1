"""A police notice of a domestic abuse incident and the children on it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from flask_babel import get_locale, gettext, ngettext
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow
from encompass.encryption import EncryptedJSON, EncryptedText


class Notice(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("force_id", "police_reference", name="uq_notice_force_ref"),
        # Retention finds the notices not yet minimised, oldest first.
        Index("ix_notice_retention", "minimised_at", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    force_id: int = Field(foreign_key="police_force.id", index=True)
    police_reference: str = Field(max_length=64)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    location_postcode: str = Field(max_length=10)
    # Free text and the adults' details are encrypted at rest (encryption.py).
    circumstances: str = Field(default="", sa_type=EncryptedText)
    risk_level: str = Field(max_length=10)
    officer_name: str = Field(max_length=120)
    officer_collar_number: str = Field(default="", max_length=20)
    officer_contact_phone: str = Field(max_length=20)
    adults: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(EncryptedJSON))
    submitted_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    # A digest of the body as first sent: the same body again is a retry (200), a
    # different one under the same reference is refused (409, amend with PATCH).
    content_digest: str = Field(default="", max_length=64)
    # Set when retention removed the personal details (records/retention.py).
    minimised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Child(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    position: int = 0
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: date | None = None
    # The age the officer was told when the date of birth is not known (0 to 17).
    age_years: int | None = None
    unborn: bool = False
    expected_date: date | None = None
    postcode: str = Field(default="", max_length=10)
    address: str = Field(default="", sa_type=EncryptedText)
    present: bool = False
    where: str = Field(default="", sa_type=EncryptedText)
    spoken_to: bool = False
    voice_of_child: str = Field(default="", sa_type=EncryptedText)
    other_adult_present: bool = False
    officer_setting_urn: str | None = Field(default=None, max_length=20)
    outcome: str = Field(max_length=12)
    # The outcome when the child arrived (matched, review, no_setting): `outcome` moves on
    # when the council decides a review; reports count arrivals as they were.
    intake_outcome: str = Field(default="", max_length=12)
    setting_id: int | None = Field(default=None, foreign_key="setting.id", index=True)
    # The roll row matched at the time; rolls are replaced wholesale, so no foreign key.
    pupil_id: int | None = None
    match_reason: str = Field(default="", max_length=200)
    due_by: datetime | None = Field(default=None, sa_type=UTCDateTime)
    holiday_period: bool = False
    holiday_lead_up: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when the police corrected this child's details so that they matched elsewhere:
    # a new row (same position) carries the corrected child; this one is history.
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The child's story across notices (alerts/identity.py): the id of the first child row
    # known to be this child. Set when the child reaches a setting; the same for every
    # notice matched to the same pupil, or linked by a coordinator. Retention keeps it.
    story_id: int | None = Field(default=None, index=True)
    # A digest of the pupil matched (its UPN, else its setting, names and date of birth):
    # the same pupil after a roll is imported again. Kept by retention with story_id, so a
    # later notice still counts a minimised one.
    pupil_key: str | None = Field(default=None, max_length=64, index=True)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def born_text(self) -> str:
        """The date of birth as pages and summaries show it, or what is known instead, in
        the page's language."""
        locale = str(get_locale() or "en")
        if self.date_of_birth is not None:
            return format_date(self.date_of_birth, "d MMMM y", locale=locale)
        if self.age_years is not None:
            return ngettext(
                "Not known: %(num)d year old when the police attended",
                "Not known: %(num)d years old when the police attended",
                self.age_years,
            )
        if self.unborn and self.expected_date is not None:
            return gettext(
                "Unborn, expected %(date)s",
                date=format_date(self.expected_date, "d MMMM y", locale=locale),
            )
        return gettext("Unborn") if self.unborn else gettext("Not recorded")


AMENDMENT_KINDS = ("added", "corrected")


class NoticeAmendment(SQLModel, table=True):
    """A change the police made to a notice after sending it: a child added, or a child's
    details corrected. Field names only, never values: the values are on the child."""

    __tablename__ = "notice_amendment"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    # The child added or corrected (after a correction that moved the match, the new row).
    child_id: int = Field(foreign_key="child.id", index=True)
    # The row a correction replaced, when the corrected child matched elsewhere.
    replaced_child_id: int | None = Field(default=None, foreign_key="child.id", index=True)
    kind: str = Field(max_length=10)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    force_id: int = Field(foreign_key="police_force.id")
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
