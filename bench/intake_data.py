"""The roll and the notices the intake benchmark sends: made up, deterministic, valid."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from encompass.auth.users import create_force
from encompass.models import KeyAdult, Pupil, Setting


def _names(text: str) -> list[str]:
    return text.split()


GIVEN = _names(
    "Amelia Oliver Isla George Ava Noah Freya Arthur Lily Leo Evie Harry Grace Jack "
    "Sophia Charlie Mia Oscar Ivy Alfie Siân Rhys Aoife Cian Zoë Mohammed Fatima Yusuf "
    "Maryam Ibrahim Aisha Omar Zara Hamza Priya Arjun Anaya Rohan Olivia Thomas Emily "
    "James Ella William Poppy Henry Ruby Joshua Chloe Daniel Daisy Samuel Florence Max "
    "Phoebe Jacob Willow Ethan Matilda Lucas Rosie Finley Erin Theo Alice Reuben Esme "
    "Kacper Zofia Mateusz Lena"
)
FAMILY = _names(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James "
    "Phillips Mason Mitchell Rose Davis Rodriguez Cox Alexander Garden Campbell Johnston "
    "Moore Smyth O'Neill Doherty Stewart Quinn Murphy Graham Mclaughlin Hamilton Murray "
    "Hughes Robertson Thomson Scott Macdonald Reid Clark Ross Young Watson Paterson "
    "Morrison Ahmed Ali Hussain Begum Rahman Shah Kowalski Nowak Wiśniewski Kaur Singh "
    "Okafor Adeyemi Mensah Owusu Hernández Silva Rossi Müller Nguyen Tran Chen Wang Li "
    "Zhang Sullivan Kelly Byrne"
)
# Surnames on no roll: the third child of a notice, new to the area, is never matched.
NEW_FAMILY = _names(
    "Abernethy Blackwood Cartwright Drummond Fairweather Galloway Hollingsworth Ironside "
    "Jephcott Kettlewell Lockhart Merriweather Northcott Oakenfold Pennyfeather "
    "Quartermaine Ravenscroft Summerfield Thistlethwaite Vickerstaff Wainwright Yardley"
)
# Valid inward-code letters (validation._POSTCODE): no C, I, K, M, O or V.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
AREAS = ("YO", "LS", "HG", "BD", "DL", "HU", "WF", "TS", "DN", "HX")


@dataclass(frozen=True)
class RollPupil:
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    address: str


@dataclass
class Seeded:
    """The force's API key, and the pupils a notice can name and be matched to."""

    api_key: str
    matchable: list[RollPupil]


def _postcode(rng: random.Random, area: str) -> str:
    # One-digit districts only: before 75682bd, encompass.models.fields refused "YO31 7PB".
    inward = f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return f"{area}{rng.randint(1, 9)} {inward}"


def _school_age_birthday(rng: random.Random, youngest_years: int = 4) -> date:
    """Aged from `youngest_years` to 16."""
    today = datetime.now(UTC).date()
    youngest = today - timedelta(days=youngest_years * 365)
    oldest = today - timedelta(days=16 * 365)
    return oldest + timedelta(days=rng.randint(0, (youngest - oldest).days))


def _roll_csv(path: Path, rng: random.Random, count: int, urns: list[str]) -> None:
    """A roll file as `encompass roll import` takes it: ages 4 to 16, common names."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["setting_urn", "given_name", "family_name", "date_of_birth", "postcode", "address"]
        )
        for _ in range(count):
            n = rng.randrange(len(urns))
            writer.writerow(
                [
                    urns[n],
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    _school_age_birthday(rng).isoformat(),
                    _postcode(rng, AREAS[n % len(AREAS)]),
                    f"{rng.randint(1, 240)} {rng.choice(FAMILY)} Road",
                ]
            )


def _matchable(session: Session) -> list[RollPupil]:
    """Pupils a notice can name and expect `matched`: alone in their matcher block.

    The block is date of birth and surname (its phonetic key, where the matcher has one);
    a second pupil there is a real doubt, and the matcher rightly sends it to review.
    """
    family = getattr(Pupil, "family_phon", Pupil.family_key)
    dob = col(Pupil.date_of_birth)
    alone = select(dob, family).group_by(dob, family).having(func.count() == 1).subquery("alone")
    rows = session.execute(
        select(
            Pupil.given_name, Pupil.family_name, Pupil.date_of_birth, Pupil.postcode, Pupil.address
        )
        .join(alone, (alone.c.date_of_birth == dob) & (alone.c[family.key] == family))
        .order_by(col(Pupil.id))
    ).all()
    return [RollPupil(*row) for row in rows]


def seed(
    engine: Engine, *, pupils: int, settings: int, rng: random.Random, workdir: Path
) -> Seeded:
    """Settings with one DSL each, a police force with a key, and a roll of `pupils` pupils.

    The roll goes in through the service's own import (`encompass roll import`), so it is
    keyed and indexed exactly as a real one is.
    """
    from encompass.onboarding.rolls import import_roll

    with Session(engine, expire_on_commit=False) as session:
        rows = [
            Setting(
                urn=str(300000 + n),
                name=f"Bench Primary School {n}",
                la_code=str(800 + n % 10),
                postcode=_postcode(rng, AREAS[n % len(AREAS)]),
            )
            for n in range(settings)
        ]
        councils = sorted({s.la_code for s in rows})
        # Every council has a fallback team (early help) for children no setting takes.
        teams = [
            Setting(
                urn=f"9{la_code:0>5}",
                name=f"Council {la_code} Early Help",
                kind="fallback",
                la_code=la_code,
            )
            for la_code in councils
        ]
        session.add_all(rows + teams)
        session.flush()
        session.add_all(
            KeyAdult(
                setting_id=setting.id,
                la_code=setting.la_code,
                role="dsl",
                name=f"Bench DSL {n}",
                email=f"dsl{n}@school.example.org",
                phone=f"+447700{900000 + n:06d}",
            )
            for n, setting in enumerate(rows + teams)
        )
        _force, key = create_force(session, "Bench Constabulary")
        session.commit()

        roll = workdir / "roll.csv"
        _roll_csv(roll, rng, pupils, [s.urn for s in rows])
        report = import_roll(session, roll)
        if report.rejected:
            raise RuntimeError(f"the roll import rejected rows: {report.rejected[:5]}")
        session.commit()
        roll.unlink()
        return Seeded(api_key=key, matchable=_matchable(session))


def _child(given: str, family: str, dob: date, postcode: str, address: str) -> dict[str, Any]:
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob.isoformat(),
        "postcode": postcode,
        "address": address,
        "present": True,
        "where": "in the bedroom",
        "spoken_to": True,
        "voice_of_child": "said she was scared; quiet, clinging to mother",
        "other_adult_present": False,
        "setting_urn": None,
        "unborn": False,
        "expected_date": None,
    }


def notice_bodies(
    count: int, prefix: str, matchable: list[RollPupil], rng: random.Random
) -> list[bytes]:
    """Notices of three children: two pupils on the roll (matched), and a half-sibling of
    school age who is on no roll, new to the area (review)."""
    now = datetime.now(UTC).replace(microsecond=0)
    occurred = (now - timedelta(hours=1)).isoformat()
    bodies = []
    for n in range(count):
        a, b = rng.sample(matchable, 2)
        new_name = rng.choice([g for g in GIVEN if g not in (a.given_name, b.given_name)])
        # Six or older: a younger child on no roll may be below school age, and goes to
        # the council's fallback team instead of review.
        new_dob = _school_age_birthday(rng, 6)
        new_child = _child(new_name, rng.choice(NEW_FAMILY), new_dob, a.postcode, a.address)
        body = {
            "police_reference": f"{prefix}-{n:06d}",
            "occurred_at": occurred,
            "location_postcode": a.postcode,
            "circumstances": "Verbal argument escalated; neighbours called police.",
            "risk_level": rng.choice(["standard", "medium", "high"]),
            "officer": {
                "name": "PC Jane Doe",
                "collar_number": "4411",
                "contact_phone": "+441234567890",
            },
            "adults": [
                {
                    "given_name": "Sam",
                    "family_name": a.family_name,
                    "role": "victim",
                    "relationship_to_children": "mother",
                }
            ],
            "children": [
                _child(a.given_name, a.family_name, a.date_of_birth, a.postcode, a.address),
                _child(b.given_name, b.family_name, b.date_of_birth, b.postcode, b.address),
                new_child,
            ],
        }
        bodies.append(json.dumps(body).encode())
    return bodies


def migrate_and_seed(
    url: str,
    *,
    pupils: int,
    settings: int,
    seed_value: int,
    workdir: Path,
    also_create: MetaData | None = None,
) -> Seeded:
    """Migrate a fresh database, make `also_create`'s tables, seed it and ANALYZE it."""
    from encompass.db.migrate import upgrade

    upgrade(url)
    engine = create_engine(url)
    try:
        if also_create is not None:
            also_create.create_all(engine)
        seeded = seed(
            engine,
            pupils=pupils,
            settings=settings,
            rng=random.Random(seed_value),
            workdir=workdir,
        )
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    finally:
        engine.dispose()
    return seeded
