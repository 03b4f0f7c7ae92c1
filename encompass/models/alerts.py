"""Alerts to a setting, the per-recipient links in them, and every delivery attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow
from encompass.encryption import EncryptedText
from encompass.models.escalation import LadderStep

CHANNELS = ("sms", "email", "voice")


class Alert(SQLModel, table=True):
    # One alert per child and setting: a child registered at two settings (dual
    # registration, a school and a pupil referral unit, say) has one alert at each.
    __table_args__ = (UniqueConstraint("child_id", "setting_id", name="uq_alert_child_setting"),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True)
    setting_id: int = Field(foreign_key="setting.id", index=True)
    status: str = Field(default="pending", max_length=20)
    due_by: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    # The Key Adult's note and the child's presentation are encrypted at rest.
    feedback: str | None = Field(default=None, sa_type=EncryptedText)
    # How the child presented at the setting ("voice of the child", non-verbal cues
    # included), recorded by the Key Adult with the acknowledgement; optional.
    child_presentation: str = Field(default="", sa_type=EncryptedText)
    # Due more than a day after receipt (a holiday, a long weekend): holiday cover was
    # alerted at once, and the DSL is reminded on the first morning back.
    holiday_routed: bool = False
    # The escalation ladder as it was when the alert was created: editing a ladder never
    # changes an alert already escalating.
    ladder: list[LadderStep] = Field(default_factory=list, sa_column=Column(JSON))
    step_index: int = 1
    next_step_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # Bumped on every claim of a step: a worker holding a stale value changes nothing.
    fence: int = 0
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminder_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminder_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The police corrected the child's details and they now match elsewhere: nothing more
    # is sent or escalated about this alert, and the setting is shown why.
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who acknowledged, as the police are told: the Key Adult's role at the setting
    # ("dsl", "deputy", "head", "holiday_cover"), or "council" for a coordinator
    # acknowledging on the setting's behalf after escalation.
    acknowledged_as: str | None = Field(default=None, max_length=20)
    # A coordinator reached by escalation recorded what the council is doing ("called the
    # school at 08:50"): the ladder stops there.
    council_handling_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    council_handling_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    council_handling_note: str | None = Field(default=None, sa_type=EncryptedText)
    # A week on (alerts/follow_up.py): when the acknowledging Key Adult is asked what
    # followed (a school day, never in a holiday), and when that e-mail was queued (once).
    follow_up_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    follow_up_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


FOLLOW_UP_ATTENDANCE = ("as_usual", "more_absent", "late_or_left_early", "not_known")
FOLLOW_UP_BEHAVIOUR = ("no_change", "some_concerns", "significant_concerns", "not_known")
FOLLOW_UP_SUPPORT = ("check_ins", "pastoral", "therapeutic", "none_needed", "other")
FOLLOW_UP_REFERRAL = ("none", "early_help", "social_care", "other_agency")


class FollowUp(SQLModel, table=True):
    """What followed, a week on: recorded by the setting, shown in the child's story; the
    police learn only that it was recorded."""

    __tablename__ = "alert_follow_up"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", unique=True)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by_user_id: int = Field(foreign_key="user_account.id")
    attendance: str = Field(max_length=20)
    behaviour: str = Field(max_length=24)
    support: str = Field(max_length=20)
    referral: str = Field(max_length=20)
    # A short note, encrypted at rest like every free text; removed by retention.
    note: str = Field(default="", sa_type=EncryptedText)


class AlertLink(SQLModel, table=True):
    __tablename__ = "alert_link"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    key_adult_id: int = Field(foreign_key="key_adult.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    first_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who first opened it: the link then works for that person only.
    used_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class Delivery(SQLModel, table=True):
    """One message to one recipient on one channel, written before the provider is called."""

    __table_args__ = (Index("ix_delivery_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    key_adult_id: int | None = Field(default=None, foreign_key="key_adult.id")
    reason: str = Field(default="alert", max_length=30)
    channel: str = Field(max_length=10)
    transport: str = Field(default="", max_length=20)
    to_address: str = Field(max_length=254)
    subject: str = Field(default="", max_length=200)
    body: str = Field(max_length=2000)
    status: str = Field(default="created", max_length=20)
    due_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    error_code: str | None = Field(default=None, max_length=20)
    error_message: str | None = Field(default=None, max_length=500)
    # How long the provider took to answer the last attempt.
    provider_ms: int | None = None
    # The delivery this one falls through from (SMS -> voice -> e-mail after a 4xx).
    fallback_of: int | None = Field(default=None, foreign_key="delivery.id")
    # When the worker dealt with this delivery's failure (fallthrough, contact flag).
    followed_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
