"""The world most browser journeys start from: St Wilfrid's, its DSL Helen Carter with an
account, Amelia and Oliver Brown on its roll, and North Yorkshire Police's control room."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
)

DSL = "helen.carter@school.example.org"
POLICE = "control.room@police.example.org"


def brown_children_school(db: Session) -> tuple[Any, str]:
    """The school and the force's API key."""
    school = create_setting(db)
    create_key_adult(db, school, "dsl", "Helen Carter", email=DSL)
    create_pupil(db, school)
    create_pupil(db, school, given_name="Oliver", date_of_birth=date(2021, 6, 1))
    create_user(db, DSL, "dsl", setting_urn=school.urn)
    _, key = create_force(db, "North Yorkshire Police")
    create_user(db, POLICE, "police", force_name="North Yorkshire Police")
    return school, key


def fill_incident(page: Any, occurred: datetime) -> None:
    """The notice form's incident and officer, as a control room fills them in."""
    page.fill("#police_reference", "NY-2026-004211")
    page.fill("#occurred_on-day", str(occurred.day))
    page.fill("#occurred_on-month", str(occurred.month))
    page.fill("#occurred_on-year", str(occurred.year))
    page.fill("#occurred_time", occurred.strftime("%H:%M"))
    page.fill("#location_postcode", "yo1 7hh")
    page.fill("#circumstances", "Verbal argument escalated; neighbours called police.")
    page.check("#risk_level-2")  # medium
    page.fill("#officer_name", "PC Jane Doe")
    page.fill("#officer_collar_number", "4411")
    page.fill("#officer_contact_phone", "01234 567890")
