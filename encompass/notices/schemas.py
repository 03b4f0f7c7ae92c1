"""The notice body as police systems send it (described by /api/v1/openapi.json), and its
validation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from encompass.models.fields import (
    check_person_name,
    clean_text,
    normalise_phone,
    normalise_postcode,
)

# Clocks in control rooms drift; an occurred_at this far ahead is still accepted.
CLOCK_SKEW = timedelta(minutes=5)


def _now(info: ValidationInfo) -> datetime:
    """The instant to judge dates against: passed in as context, else the clock."""
    ctx = info.context or {}
    now = ctx.get("now")
    return now if isinstance(now, datetime) else datetime.now(UTC)


BARE_RELATIONSHIPS = {"partner", "ex-partner", "ex partner", "expartner", "ex", "partners"}

Name = Annotated[str, AfterValidator(check_person_name)]
Postcode = Annotated[str, AfterValidator(normalise_postcode)]
Phone = Annotated[str, AfterValidator(normalise_phone)]


def _text(limit: int) -> AfterValidator:
    return AfterValidator(lambda v: clean_text(v, limit=limit))


def _date_as_text(value: object) -> object:
    """A date travels as "YYYY-MM-DD": a number (a Unix time?) is refused, never guessed at."""
    if value is not None and not isinstance(value, str | date):
        raise ValueError(_("Give the date as text, YYYY-MM-DD"))
    return value


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# Checked even when absent (validate_default), so a missing date is reported on its own field.
ChildDate = Annotated[date | None, BeforeValidator(_date_as_text), Field(validate_default=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=False)


class Officer(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120), _text(120)]
    collar_number: Annotated[str, Field(max_length=20), _text(20)] = ""
    contact_phone: Phone


class Adult(Strict):
    given_name: Name
    family_name: Name
    role: Literal["victim", "suspect", "other"]
    relationship_to_children: Annotated[str, Field(min_length=1, max_length=120), _text(120)]

    @field_validator("relationship_to_children")
    @classmethod
    def says_who_they_are_to_the_child(cls, value: str) -> str:
        if value.strip().lower() in BARE_RELATIONSHIPS:
            raise ValueError(
                _(
                    'Say who this adult is to the children, e.g. "mother\'s partner" or '
                    '"father\'s ex-partner", not just "%(given)s"',
                    given=value.strip(),
                )
            )
        return value


class ChildIn(Strict):
    given_name: Name
    family_name: Name
    # Before the dates: their checks depend on it.
    unborn: bool = False
    # Officers often have only an age: with no date of birth, the age in years (0 to 17).
    age_years: Annotated[int, Field(ge=0, le=17, strict=True)] | None = None
    date_of_birth: ChildDate = None
    expected_date: ChildDate = None
    postcode: Postcode | None = None
    address: Annotated[str, Field(max_length=300), _text(300)] = ""
    present: bool
    where: Annotated[str, Field(max_length=500), _text(500)] = ""
    spoken_to: bool
    voice_of_child: Annotated[str, Field(max_length=2000), _text(2000)] = ""
    other_adult_present: bool = False
    setting_urn: str | int | None = None

    @field_validator("setting_urn")
    @classmethod
    def urn_is_digits(cls, value: str | int | None) -> str | None:
        if value is None or value == "":
            return None
        text = str(value).strip().upper()
        # School URNs are 6 digits; Ofsted early years ones are "EY" and 6 digits.
        if not re.fullmatch(r"(EY)?\d{5,8}", text):
            raise ValueError(_("A setting URN is 6 digits (or EY and 6 digits for early years)"))
        return text

    @field_validator("date_of_birth")
    @classmethod
    def born_on(cls, value: date | None, info: ValidationInfo) -> date | None:
        if "unborn" not in info.data:  # unborn itself is invalid and reported
            return value
        today = _now(info).date()
        if info.data["unborn"]:
            if value is not None:
                raise ValueError(
                    _("An unborn child has an expected date of birth, not a date of birth")
                )
            return None
        if "age_years" not in info.data:  # the age itself is invalid and reported
            return value
        age = info.data["age_years"]
        if value is None:
            if age is None:
                raise ValueError(
                    _(
                        "Enter a date of birth, or the child's age in years if the date is not "
                        "known, or say the child is unborn"
                    )
                )
            return None
        if age is not None:
            raise ValueError(_("Give the date of birth or, if it is not known, the age: not both"))
        if value > today:
            raise ValueError(_("The date of birth must not be in the future"))
        if value < _years_before(today, 19):
            raise ValueError(_("The date of birth is more than 18 years ago: not a child"))
        return value

    @field_validator("age_years")
    @classmethod
    def age_only_when_born(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("unborn"):
            raise ValueError(_("An unborn child has an expected date of birth, not an age"))
        return value

    @field_validator("expected_date")
    @classmethod
    def expected_on(cls, value: date | None, info: ValidationInfo) -> date | None:
        if "unborn" not in info.data:
            return value
        today = _now(info).date()
        if not info.data["unborn"]:
            if value is not None:
                raise ValueError(_("An expected date of birth is only for an unborn child"))
            return None
        if value is None:
            raise ValueError(_("Enter the expected date of birth of the unborn child"))
        if not today - timedelta(days=60) <= value <= today + timedelta(days=300):
            raise ValueError(_("The expected date of birth must be within the next 10 months"))
        return value


class NoticeIn(Strict):
    police_reference: Annotated[
        str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.:-]*$")
    ]
    occurred_at: datetime
    location_postcode: Postcode
    circumstances: Annotated[str, Field(max_length=4000), _text(4000)] = ""
    risk_level: Literal["standard", "medium", "high"]
    officer: Officer
    adults: Annotated[list[Adult], Field(min_length=1, max_length=20)]
    children: Annotated[list[ChildIn], Field(min_length=1, max_length=20)]

    @field_validator("occurred_at")
    @classmethod
    def when_it_happened(cls, value: datetime, info: ValidationInfo) -> datetime:
        if value.tzinfo is None:
            raise ValueError(
                _(
                    "Give the date and time of the incident with a time zone, like "
                    "2026-11-22T21:40:00+00:00"
                )
            )
        try:
            value = value.astimezone(UTC)
        except OverflowError:  # e.g. 0001-01-01T00:00:00+00:01, before the year 1 in UTC
            raise ValueError(_("The incident was more than a year ago")) from None
        now = _now(info)
        if value > now + CLOCK_SKEW:
            raise ValueError(_("The incident must not be in the future"))
        if value < now - timedelta(days=366):
            raise ValueError(_("The incident was more than a year ago"))
        return value


class ChildCorrection(BaseModel):
    """A child already on the notice (its `id` from the notice) and the fields to change:
    any of a child's fields, checked as a whole child once merged with what is stored."""

    model_config = ConfigDict(extra="allow")

    id: int


class NoticeAmendmentIn(Strict):
    """PATCH /api/v1/notices/<id>: children to add, and corrections to children on it."""

    add_children: Annotated[list[ChildIn], Field(max_length=20)] = []
    correct_children: Annotated[list[ChildCorrection], Field(max_length=20)] = []

    @model_validator(mode="after")
    def has_something_to_change(self) -> NoticeAmendmentIn:
        if not self.add_children and not self.correct_children:
            raise ValueError(_("Give add_children or correct_children (or both)"))
        return self


# --- Responses ---------------------------------------------------------------------------


class SettingRef(BaseModel):
    urn: str
    name: str


class CouncilHandlingOut(BaseModel):
    """The council recorded that it is handling an alert nobody at the setting acknowledged:
    since when, and what it is doing ("called the school at 09:52")."""

    since: datetime
    note: str


class AlertOut(BaseModel):
    status: Literal["pending", "sent", "escalated", "acknowledged", "withdrawn"]
    sent_at: datetime | None
    acknowledged_at: datetime | None
    # Which role acknowledged: dsl, deputy, head, holiday_cover, or council (a coordinator
    # on the setting's behalf); never who.
    acknowledged_as: str | None = None
    feedback: str | None
    # True once the setting recorded what followed, a week on (never what it recorded).
    follow_up_recorded: bool = False
    # Null until a coordinator reached by escalation records what the council is doing.
    council_handling: CouncilHandlingOut | None = None


class AlsoToldOut(BaseModel):
    """Dual registration: another setting whose roll holds the child (a pupil referral
    unit beside a school, a nursery beside a school), told too with an alert of its own."""

    setting: SettingRef
    alert: AlertOut


class ChildOut(BaseModel):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date | None
    age_years: int | None
    unborn: bool
    outcome: Literal["matched", "review", "no_setting"]
    setting: SettingRef | None
    due_by: datetime | None
    holiday_period: bool
    holiday_lead_up: bool
    alert: AlertOut | None
    # The child's other settings, each told (dual registration): empty for most children.
    also_told: list[AlsoToldOut] = []


class NoticeOut(BaseModel):
    id: int
    police_reference: str
    occurred_at: datetime
    received_at: datetime
    risk_level: Literal["standard", "medium", "high"]
    children: list[ChildOut]


class ErrorOut(BaseModel):
    error: str
    message: str
    errors: dict[str, list[str]] | None = None
    # A 409: the notice already sent under this reference, and how to amend it.
    notice_id: int | None = None
    amend: str | None = None
