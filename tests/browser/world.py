"""The world most browser journeys start from: St Wilfrid's, its DSL Helen Carter with an
account, Amelia and Oliver Brown on its roll, and North Yorkshire Police's control room."""

from __future__ import annotations

from datetime import date
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
