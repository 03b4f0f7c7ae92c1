"""Plain create_* functions for tests: real rows in the real database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine
from sqlalchemy import insert
from sqlmodel import Session, col, select

from encompass.auth.users import create_force as _create_force
from encompass.auth.users import create_user as _create_user
from encompass.delivery.outbox import Outbox
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.normalise import roll_keys
from encompass.models import Delivery, KeyAdult, Pupil, Setting, User

PASSWORD = "correct horse battery staple"


def create_setting(
    session: Session, urn: str = "121212", name: str = "St Wilfrid's RC Primary School", **kw: Any
) -> Setting:
    setting = Setting(urn=urn, name=name, la_code=kw.pop("la_code", "816"), **kw)
    session.add(setting)
    session.commit()
    return setting


def create_key_adult(
    session: Session,
    setting: Setting | None,
    role: str = "dsl",
    name: str = "Helen Carter",
    email: str | None = None,
    phone: str = "+447911100001",
    la_code: str | None = None,
) -> KeyAdult:
    email = email or re.sub(r"[^a-z]+", ".", name.lower()) + "@school.example.org"
    adult = KeyAdult(
        setting_id=setting.id if setting else None,
        la_code=la_code or (setting.la_code if setting else None),
        role=role,
        name=name,
        email=email,
        phone=phone,
    )
    session.add(adult)
    session.commit()
    return adult


def create_pupil(
    session: Session,
    setting: Setting,
    given_name: str = "Amelia",
    family_name: str = "Brown",
    date_of_birth: date = date(2019, 4, 3),
    postcode: str = "YO1 7HH",
    address: str = "12 Low Street",
) -> Pupil:
    assert setting.id is not None
    pupil = Pupil(
        setting_id=setting.id,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        address=address,
        **roll_keys(given_name, family_name, postcode, address),
    )
    session.add(pupil)
    session.commit()
    return pupil


def create_force(session: Session, name: str = "North Yorkshire Police") -> tuple[int, str]:
    force, key = _create_force(session, name)
    session.commit()
    assert force.id is not None
    return force.id, key


def create_user(session: Session, email: str, role: str, **kw: Any) -> User:
    user = _create_user(session, email=email, role=role, password=PASSWORD, **kw)
    session.commit()
    return user


def notice_body(**overrides: Any) -> dict[str, Any]:
    """A valid notice as the OpenAPI document shows it; occurred an hour ago."""
    occurred = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    child = {
        "given_name": "Amelia",
        "family_name": "Brown",
        "date_of_birth": "2019-04-03",
        "postcode": "YO1 7HH",
        "address": "12 Low Street",
        "present": True,
        "where": "in the bedroom",
        "spoken_to": True,
        "voice_of_child": "said she was scared; quiet, clinging to mother",
        "other_adult_present": False,
        "setting_urn": None,
        "unborn": False,
        "expected_date": None,
    }
    child.update(overrides.pop("child", {}))
    body: dict[str, Any] = {
        "police_reference": "NY-2026-004211",
        "occurred_at": occurred.isoformat(),
        "location_postcode": "YO1 7HH",
        "circumstances": "Verbal argument escalated; neighbours called police.",
        "risk_level": "medium",
        "officer": {
            "name": "PC Jane Doe",
            "collar_number": "4411",
            "contact_phone": "+441234567890",
        },
        "adults": [
            {
                "given_name": "Sam",
                "family_name": "Brown",
                "role": "victim",
                "relationship_to_children": "mother",
            }
        ],
        "children": [child],
    }
    body.update(overrides)
    return body


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def submit_notice(
    client: Any, key: str, *, at: datetime | None = None, **overrides: Any
) -> dict[str, Any]:
    """POST a notice (`notice_body(**overrides)`) with this force's API key and return the
    created notice; with `at`, on a clock frozen there (the incident an hour before)."""
    if at is not None:
        overrides.setdefault("occurred_at", (at - timedelta(hours=1)).isoformat())
        with time_machine.travel(at, tick=False):
            return submit_notice(client, key, **overrides)
    response = client.post("/api/v1/notices", json=notice_body(**overrides), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def add_namesakes(
    session: Session, setting: Setting, given: str, family: str, count: int, postcode: str
) -> None:
    """`count` pupils called `given family` at `postcode`, all born in 2012: the name
    becomes common on the rolls."""
    keys = roll_keys(given, family, postcode)
    session.execute(
        insert(Pupil),
        [
            {
                "setting_id": setting.id,
                "given_name": given,
                "family_name": family,
                "date_of_birth": date(2012, 1 + n % 12, 1 + n % 28),
                "postcode": postcode,
                "address": "",
                **keys,
            }
            for n in range(count)
        ],
    )
    refresh_name_frequencies(session)
    session.commit()


def queue_message(
    session: Session, *, due_at: datetime, reason: str = "test", **message: Any
) -> Delivery:
    """One message queued through the outbox (written, not committed); returns its row."""
    out = Outbox(due_at)
    out.message(due_at=due_at, reason=reason, **message)
    out.write(session)
    return session.exec(select(Delivery).order_by(col(Delivery.id).desc())).first()
