"""`encompass demo`: a small, realistic council to try the service with. Safe to re-run."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from encompass.auth.passwords import new_token
from encompass.auth.users import create_force, create_user, rotate_key
from encompass.db import utcnow
from encompass.matching.frequencies import refresh_name_frequencies
from encompass.matching.normalise import roll_keys
from encompass.models import KeyAdult, PoliceForce, Pupil, Setting, User

DEMO_PASSWORD = "encompass-demo-2026"  # noqa: S105 - printed by the demo  # nosec B105
LA_CODE, LA_NAME = "816", "York"
FORCE = "North Yorkshire Police"

SETTINGS = [
    # urn, name, kind, type, phase, postcode
    (
        "121212",
        "St Wilfrid's RC Primary School",
        "school",
        "Voluntary aided school",
        "Primary",
        "YO31 7PB",
    ),
    ("121345", "Clifton Green Primary School", "school", "Community school", "Primary", "YO30 6HU"),
    ("138210", "Huntington School", "school", "Academy converter", "Secondary", "YO32 9WT"),
    ("EY4521", "Little Acorns Day Nursery", "early_years", "Day nursery", "Nursery", "YO24 4BP"),
    ("900816", "York Early Help and Health Visiting", "fallback", "Fallback team", "", "YO1 6GA"),
]
CONTACTS = {
    "121212": [
        ("dsl", "Helen Carter", "+447911100001"),
        ("deputy", "Raj Patel", "+447911100002"),
        ("head", "Siobhán O'Neill", "+447911100003"),
    ],
    "121345": [("dsl", "Mark Evans", "+447911100011"), ("deputy", "Aisha Khan", "+447911100012")],
    "138210": [
        ("dsl", "Gareth Jones", "+447911100021"),
        ("deputy", "Zoë Smith-Jones", "+447911100022"),
    ],
    "EY4521": [("dsl", "Priya Shah", "+447911100031"), ("deputy", "Tom Hughes", "+447911100032")],
    "900816": [("dsl", "Early Help Duty Team", "+447911100041")],
}
GIVEN = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Freya",
    "Arthur",
    "Lily",
    "Leo",
    "Evie",
    "Harry",
    "Grace",
    "Jack",
    "Sophia",
    "Charlie",
    "Mia",
    "Oscar",
    "Ivy",
    "Alfie",
    "Siân",
    "Rhys",
    "Aoife",
    "Cian",
    "Zoë",
    "Mohammed",
    "Fatima",
    "Yusuf",
    "Maja",
    "Jakub",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Thomas",
    "Johnson",
    "Roberts",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "O'Neill",
    "Smith-Jones",
    "Khan",
    "Ali",
    "Patel",
    "Kowalski",
    "Murphy",
    "Davies",
    "Lewis",
]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
STREETS = [
    "Low Street",
    "Bootham",
    "Haxby Road",
    "Burton Stone Lane",
    "Huntington Road",
    "Front Street",
]


def _email(name: str, urn: str) -> str:
    return (
        name.lower()
        .replace(" ", ".")
        .replace("'", "")
        .replace("ö", "o")
        .replace("ë", "e")
        .replace("á", "a")
        + f"@{urn}.school.example.org"
    )


def _settings(session: Session) -> dict[str, Setting]:
    out = {}
    for urn, name, kind, type_name, phase, postcode in SETTINGS:
        setting = session.exec(select(Setting).where(Setting.urn == urn)).first() or Setting(
            urn=urn, name=name
        )
        setting.name, setting.kind, setting.type_name, setting.phase = name, kind, type_name, phase
        setting.postcode, setting.la_code, setting.la_name = postcode, LA_CODE, LA_NAME
        session.add(setting)
        session.flush()
        out[urn] = setting
    return out


def _upsert_contact(session: Session, adult: KeyAdult) -> None:
    """Re-running the demo updates contacts in place: alerts already point at them."""
    existing = session.exec(
        select(KeyAdult).where(
            KeyAdult.setting_id == adult.setting_id,
            KeyAdult.la_code == adult.la_code,
            KeyAdult.role == adult.role,
            KeyAdult.email == adult.email,
        )
    ).first()
    if existing is None:
        session.add(adult)
        return
    existing.name, existing.phone, existing.active = adult.name, adult.phone, True
    session.add(existing)


def _contacts(session: Session, settings: dict[str, Setting]) -> None:
    now = utcnow()
    for urn, people in CONTACTS.items():
        setting = settings[urn]
        for role, name, phone in people:
            _upsert_contact(
                session,
                KeyAdult(
                    setting_id=setting.id,
                    la_code=LA_CODE,
                    role=role,
                    name=name,
                    email=_email(name, urn),
                    phone=phone,
                    phone_verified_at=now,
                ),
            )
    _upsert_contact(
        session,
        KeyAdult(
            la_code=LA_CODE,
            role="coordinator",
            name="Claire Booth",
            email="claire.booth@york.example.gov.uk",
            phone="+447911100099",
            phone_verified_at=now,
        ),
    )
    # Told when a child in the review queue is still undecided near its deadline.
    _upsert_contact(
        session,
        KeyAdult(
            la_code=LA_CODE,
            role="coordinator_deputy",
            name="Dev Sharma",
            email="dev.sharma@york.example.gov.uk",
            phone="+447911100098",
            phone_verified_at=now,
        ),
    )


def _roll(session: Session, settings: dict[str, Setting]) -> None:
    rng = random.Random(816)
    today = utcnow().date()
    ages = {"121212": (4, 11), "121345": (4, 11), "138210": (11, 16), "EY4521": (1, 4)}
    for urn, (youngest, oldest) in ages.items():
        setting = settings[urn]
        session.execute(delete(Pupil).where(col(Pupil.setting_id) == setting.id))
        for _ in range(40):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            dob = today - timedelta(days=rng.randint(youngest * 365 + 30, oldest * 365 + 300))
            _add_pupil(
                session,
                setting,
                given,
                family,
                dob,
                f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                f"YO{rng.randint(10, 32)} {rng.randint(1, 9)}{''.join(rng.choices(INWARD, k=2))}",
            )
        setting.roll_imported_at = utcnow()
    # The child the printed curl command names: on St Wilfrid's roll, one of a kind.
    _add_pupil(
        session,
        settings["121212"],
        "Amelia",
        "Brown",
        date(today.year - 7, 4, 3),
        "12 Low Street",
        "YO1 7HH",
    )


def _add_pupil(
    session: Session,
    setting: Setting,
    given: str,
    family: str,
    dob: date,
    address: str,
    postcode: str,
) -> None:
    assert setting.id is not None
    session.add(
        Pupil(
            setting_id=setting.id,
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            postcode=postcode,
            address=address,
            **roll_keys(given, family, postcode, address),
        )
    )


def _users(session: Session) -> list[tuple[str, str]]:
    wanted = [
        ("admin@example.org", "admin", {}),
        ("coordinator@york.example.gov.uk", "coordinator", {"la_code": LA_CODE}),
        ("helen.carter@121212.school.example.org", "dsl", {"setting_urn": "121212"}),
        ("mark.evans@121345.school.example.org", "dsl", {"setting_urn": "121345"}),
        ("priya.shah@ey4521.school.example.org", "dsl", {"setting_urn": "EY4521"}),
        ("control.room@nyp.example.police.uk", "police", {"force_name": FORCE}),
    ]
    for email, role, extra in wanted:
        if session.exec(select(User).where(User.email == email)).first() is None:
            create_user(session, email=email, role=role, password=DEMO_PASSWORD, **extra)
    return [(e, r) for e, r, _ in wanted]


def _force_key(session: Session) -> str:
    force = session.exec(select(PoliceForce).where(PoliceForce.name == FORCE)).first()
    if force is None:
        return create_force(session, FORCE)[1]
    # Re-running the demo issues a fresh key: the old one was shown once and is gone.
    return rotate_key(session, force, overlap=timedelta(0), now=utcnow())[1]


def sample_notice(today: date) -> dict[str, Any]:
    occurred = utcnow().replace(microsecond=0) - timedelta(hours=1)
    return {
        "police_reference": f"NY-{today.year}-{new_token(3).upper()[:6]}",
        "occurred_at": occurred.isoformat(),
        "location_postcode": "YO1 7HH",
        "circumstances": "Verbal argument escalated; neighbours called police.",
        "risk_level": "medium",
        "officer": {
            "name": "PC Jane Doe",
            "collar_number": "4411",
            "contact_phone": "+441904551234",
        },
        "adults": [
            {
                "given_name": "Sam",
                "family_name": "Brown",
                "role": "victim",
                "relationship_to_children": "mother",
            },
            {
                "given_name": "Lee",
                "family_name": "Grant",
                "role": "suspect",
                "relationship_to_children": "mother's partner",
            },
        ],
        "children": [
            {
                "given_name": "Amelia",
                "family_name": "Brown",
                "date_of_birth": date(today.year - 7, 4, 3).isoformat(),
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
            },
        ],
    }


def load_demo(session: Session, base: str) -> str:
    settings = _settings(session)
    _contacts(session, settings)
    _roll(session, settings)
    session.flush()
    refresh_name_frequencies(session)
    key = _force_key(session)
    users = _users(session)
    # Shell-quote the JSON for the single-quoted -d argument ("mother's partner").
    body = json.dumps(sample_notice(utcnow().date())).replace("'", "'\\''")
    lines = [
        f"Demo data loaded: {len(SETTINGS)} settings in {LA_NAME} (LA {LA_CODE}), "
        f"Key Adults, rolls, users, {FORCE}.",
        "",
        f"Sign in at {base}/login with any of these (password: {DEMO_PASSWORD}):",
        *[f"  {role:<12} {email}" for email, role in users],
        "Admins and coordinators also set up an authenticator app at their first sign-in",
        "(the page shows the key to type into the app).",
        "",
        f"API key for {FORCE} (new each time the demo is loaded): {key}",
        "",
        "Submit a notice:",
        f"  curl -sS -X POST {base}/api/v1/notices -H 'Authorization: Bearer {key}' "
        f"-H 'Content-Type: application/json' -d '{body}'",
        "",
        "With no Twilio or SMTP settings, SMS and e-mail go to the outbox: the worker's log",
        "shows each message, its /a/<token> link shortened (a link is a key to the notice).",
        f"Sign in at {base}/dsl/ as helen.carter@... to read and acknowledge it.",
    ]
    return "\n".join(lines)
