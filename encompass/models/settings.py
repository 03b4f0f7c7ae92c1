"""Schools, early years settings and fallback teams, keyed by URN."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from encompass.db import UTCDateTime, utcnow

# "fallback": a council's team for children on no roll (unborn, under school age);
# "home_education": a council's elective home education team, whose register is
# imported as that team's roll (see README, "Children with no setting").
SETTING_KINDS = ("school", "early_years", "fallback", "home_education")
NATIONS = ("england", "wales", "scotland", "northern_ireland")


class Setting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    urn: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="school", max_length=30)  # alternative_provision is 21
    type_name: str = Field(default="", max_length=120)
    phase: str = Field(default="", max_length=60)
    la_code: str = Field(default="", max_length=10, index=True)
    la_name: str = Field(default="", max_length=120)
    # GIAS EstablishmentNumber: with the LA code, the "LAEstab" (DfE number) files use.
    establishment_number: str = Field(default="", max_length=10)
    postcode: str = Field(default="", max_length=10)
    nation: str = Field(default="england", max_length=20)
    school_day_start: str | None = Field(default=None, max_length=5)
    # The language of messages to its Key Adults who have not chosen one: "bilingual"
    # (Welsh first), "cy" or "en"; None: bilingual in Wales, English elsewhere.
    message_language: str | None = Field(default=None, max_length=10)
    roll_imported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def short_name(self) -> str:
        """The name without the trailing words most schools share, for SMS text."""
        return self.name[:60]
