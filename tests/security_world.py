"""Two councils, two settings, two forces and one user of every role in each: the world the
access tests walk. Rows are written directly, so the tests do not depend on matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from encompass.models import Alert, Child, ImportJob, KeyAdult, Notice, ReviewItem
from tests.factories import create_force, create_key_adult, create_setting, create_user
from tests.helpers import sign_in

ADMIN = "admin@council.example.gov.uk"


@dataclass
class Side:
    """Everything one council (and its force) owns."""

    la_code: str
    setting_id: int
    key_adult_id: int
    force_id: int
    api_key: str
    notice_id: int
    alert_id: int
    review_id: int
    import_job_id: int
    child_name: str
    users: dict[str, str] = field(default_factory=dict)  # role -> e-mail


@dataclass
class World:
    york: Side
    leeds: Side

    def side(self, name: str) -> Side:
        return self.york if name == "york" else self.leeds


def _notice(db: Session, force_id: int, ref: str, postcode: str) -> Notice:
    notice = Notice(
        force_id=force_id,
        police_reference=ref,
        occurred_at=datetime.now(UTC) - timedelta(hours=2),
        location_postcode=postcode,
        circumstances="Shouting heard by neighbours; the children were upstairs.",
        risk_level="medium",
        officer_name="PC Jane Doe",
        officer_contact_phone="+441234567890",
        adults=[
            {
                "given_name": "Sam",
                "family_name": "Brown",
                "role": "victim",
                "relationship_to_children": "mother",
            }
        ],
    )
    db.add(notice)
    db.flush()
    return notice


def _child(db: Session, notice: Notice, given: str, family: str, **kw: Any) -> Child:
    assert notice.id is not None
    child = Child(
        notice_id=notice.id,
        given_name=given,
        family_name=family,
        date_of_birth=date(2019, 4, 3),
        postcode=notice.location_postcode,
        address="12 Low Street",
        present=True,
        where="in the bedroom",
        spoken_to=True,
        voice_of_child="said she was scared",
        **kw,
    )
    db.add(child)
    db.flush()
    return child


def _side(db: Session, la_code: str, urn: str, school: str, force: str, town: str) -> Side:
    setting = create_setting(db, urn=urn, name=school, la_code=la_code)
    adult: KeyAdult = create_key_adult(
        db, setting, name=f"Key Adult {town}", phone=f"+4479111{urn[:5]}"
    )
    force_id, key = create_force(db, force)
    postcode = "YO1 7HH" if town == "York" else "LS1 4AP"
    notice = _notice(db, force_id, f"{town[:2].upper()}-2026-000001", postcode)
    given = "Amelia" if town == "York" else "Oliver"
    child = _child(db, notice, given, "Brown", outcome="matched", setting_id=setting.id)
    alert = Alert(child_id=child.id, setting_id=setting.id, status="sent")  # type: ignore[arg-type]
    db.add(alert)
    unplaced = _child(db, notice, "Ruby", "Brown", outcome="review", position=1)
    review = ReviewItem(child_id=unplaced.id, notice_id=notice.id, la_code=la_code)  # type: ignore[arg-type]
    db.add(review)
    job = ImportJob(filename="gias.csv", la_code=la_code, status="finished")
    db.add(job)
    db.commit()
    assert setting.id and adult.id and notice.id and alert.id and review.id and job.id
    side = Side(
        la_code=la_code,
        setting_id=setting.id,
        key_adult_id=adult.id,
        force_id=force_id,
        api_key=key,
        notice_id=notice.id,
        alert_id=alert.id,
        review_id=review.id,
        import_job_id=job.id,
        child_name=f"{given} Brown",
    )
    slug = town.lower()
    for role, extra in (
        ("dsl", {"setting_urn": urn}),
        ("coordinator", {"la_code": la_code}),
        ("police", {"force_name": force}),
    ):
        email = f"{role}@{slug}.example.org"
        create_user(db, email, role, **extra)
        side.users[role] = email
    return side


def build_world(db: Session) -> World:
    york = _side(
        db, "816", "121212", "St Wilfrid's RC Primary School", "North Yorkshire Police", "York"
    )
    leeds = _side(
        db, "383", "107000", "Leeds Park Primary School", "West Yorkshire Police", "Leeds"
    )
    create_user(db, ADMIN, "admin")
    return World(york, leeds)


def signed_in_client(app: Any, email: str) -> Any:
    client = app.test_client()
    sign_in(client, email)
    return client
