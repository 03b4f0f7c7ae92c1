"""The review queue: a child the matcher could not place with certainty waits here for a
council coordinator, with the candidates it found and why each scored as it did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow

# pupil: a candidate chosen; setting: any setting, found by search; not_on_roll: the
# fallback team; roll_import: matched by the engine when a later roll import placed it;
# confirmed_by_setting: the setting asked (ReviewAsk) answered "our pupil".
REVIEW_DECISIONS = ("pupil", "setting", "not_on_roll", "roll_import", "confirmed_by_setting")


class ReviewItem(SQLModel, table=True):
    __tablename__ = "review_item"
    __table_args__ = (Index("ix_review_item_due", "status", "escalate_at"),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", unique=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    # The council whose coordinators decide; "" when none could be worked out (admins).
    la_code: str = Field(default="", max_length=10, index=True)
    status: str = Field(default="open", max_length=12)
    reason: str = Field(default="", max_length=200)
    # What the matcher saw: [{pupil_id, setting_id, setting_urn, setting_name, given_name,
    # family_name, date_of_birth, postcode, address, score, reasons: [...]}, ...]. Rolls
    # are replaced wholesale, so this is a copy; all but the chosen one go on resolution.
    candidates: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    # The same deadline an alert for this child would have.
    due_by: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the coordinator's deputy is told, if nobody has decided by then.
    escalate_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_viewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    decision: str = Field(default="", max_length=20)
    decision_pupil_id: int | None = None
    decision_setting_id: int | None = Field(default=None, foreign_key="setting.id")


# A ReviewAsk's answer: "" until answered.
ASK_ANSWERS = ("yes", "no")


class ReviewAsk(SQLModel, table=True):
    """A child in review put to the one setting whose pupil it most likely is: its DSL
    answers "our pupil" (the item resolves there) or "not ours" (back to the coordinator,
    that setting ruled out). A setting is asked at most once about a child."""

    __tablename__ = "review_ask"
    __table_args__ = (UniqueConstraint("review_item_id", "setting_id", name="uq_review_ask"),)

    id: int | None = Field(default=None, primary_key=True)
    review_item_id: int = Field(foreign_key="review_item.id", index=True)
    setting_id: int = Field(foreign_key="setting.id", index=True)
    # The candidate pupil (rolls are replaced wholesale, so no foreign key: the review
    # item's candidates keep a copy of the row).
    pupil_id: int
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str = Field(default="", max_length=3)
    answered_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
