"""The shared starting point of the e2e tests: a school ready to receive a notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from encompass.models import Delivery, KeyAdult, Setting
from tests import factories
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
)

# 07:30 on a Monday in term (London is on UTC in November): after the SMS quiet hours
# (21:00-07:00) and before the school day starts at 08:45. Tests freeze the clock here
# with time_machine so the SMS goes at once whenever the suite runs.
MONDAY_MORNING = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)

DSL_EMAIL = "helen.carter@school.example.org"
DSL_PHONE = "+447911100001"


@dataclass
class School:
    setting: Setting
    key_adult: KeyAdult
    force_key: str
    other_force_key: str


def school_ready_for_notices(db: Session) -> School:
    """St Wilfrid's with a DSL Key Adult (phone and e-mail), Amelia on the roll, the DSL's
    sign-in, and two police forces."""
    setting = create_setting(db)
    adult = create_key_adult(db, setting, role="dsl", email=DSL_EMAIL, phone=DSL_PHONE)
    create_pupil(db, setting)
    create_user(db, DSL_EMAIL, "dsl", setting_urn=setting.urn)
    _, key = create_force(db, "North Yorkshire Police")
    _, other_key = create_force(db, "West Yorkshire Police")
    return School(setting, adult, key, other_key)


def submit_notice(client: Any, school: School, **overrides: Any) -> dict[str, Any]:
    return factories.submit_notice(client, school.force_key, **overrides)


def delivery(db: Session, channel: str) -> Delivery:
    """The one delivery on this channel, read fresh from the database."""
    db.expire_all()
    return db.exec(select(Delivery).where(Delivery.channel == channel)).one()
