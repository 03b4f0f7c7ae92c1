"""A review item nobody decides goes to the coordinator's deputy, on the worker's clock."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from encompass.config.environment import defaults
from encompass.models import AuditEvent, Child, Delivery, ReviewItem
from encompass.review.policy import ReviewPolicy
from encompass.worker import tick
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    notice_body,
)

pytestmark = pytest.mark.clock

DEPUTY = "raj.patel@york.example.gov.uk"


@pytest.fixture
def doubtful(client, db):
    """A notice whose child could be either of two pupils at two schools: in review."""
    for urn, name in (("121212", "Alexander"), ("121345", "Alexandra")):
        create_pupil(db, create_setting(db, urn=urn, name=f"School {urn}"), given_name=name)
    create_key_adult(
        db,
        None,
        role="coordinator",
        name="Claire Booth",
        email="claire@york.example.gov.uk",
        phone="+447911100099",
        la_code="816",
    )
    _, key = create_force(db)
    response = client.post(
        "/api/v1/notices", json=notice_body(child={"given_name": "Alex"}), headers=bearer(key)
    )
    assert response.get_json()["children"][0]["outcome"] == "review"
    return db.exec(select(ReviewItem)).one()


def add_deputy(db):
    return create_key_adult(
        db,
        None,
        role="coordinator_deputy",
        name="Raj Patel",
        email=DEPUTY,
        phone="+447911100002",
        la_code="816",
    )


def escalations(db):
    return db.exec(select(Delivery).where(Delivery.reason == "review_escalation")).all()


def test_it_tells_the_deputy_when_nobody_has_decided_in_time(app, db, doubtful):
    add_deputy(db)
    assert doubtful.escalate_at is not None

    tick(app, doubtful.escalate_at - timedelta(minutes=1))
    assert escalations(db) == []

    counts = tick(app, doubtful.escalate_at)

    assert counts.get("reviews_escalated") == 1
    sent = escalations(db)
    assert {d.to_address for d in sent} == {DEPUTY, "+447911100002"}
    for message in sent:
        assert f"/review/{doubtful.id}" in message.body
        for personal in ("Alex", "Brown", "2019", "YO1"):
            assert personal not in message.body + message.subject
    db.refresh(doubtful)
    assert doubtful.escalated_at == doubtful.escalate_at
    assert "review.escalated" in [e.action for e in db.exec(select(AuditEvent))]


def test_it_escalates_each_item_once(app, db, doubtful):
    add_deputy(db)

    tick(app, doubtful.escalate_at)
    tick(app, doubtful.escalate_at + timedelta(hours=1))

    assert len(escalations(db)) == 2  # one SMS, one e-mail


def test_it_does_not_escalate_a_decided_item(app, db, doubtful):
    add_deputy(db)
    doubtful.status = "resolved"
    db.add(doubtful)
    db.commit()

    assert "reviews_escalated" not in tick(app, doubtful.escalate_at)
    assert escalations(db) == []


def test_it_tells_the_coordinators_again_when_the_council_has_no_deputy(app, db, doubtful):
    tick(app, doubtful.escalate_at)

    assert {d.to_address for d in escalations(db)} == {
        "claire@york.example.gov.uk",
        "+447911100099",
    }


def test_it_gives_a_review_item_the_deadline_an_alert_would_have(db, doubtful):
    child = db.get(Child, doubtful.child_id)

    assert doubtful.due_by is not None and doubtful.due_by == child.due_by
    assert doubtful.escalate_at == ReviewPolicy.from_config(defaults()).escalate_at(
        doubtful.created_at, child.due_by
    )


NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due_by", "escalate_at"),
    [
        (NOW + timedelta(hours=10), NOW + timedelta(hours=4)),  # overnight: at most 4 hours
        (NOW + timedelta(hours=2), NOW + timedelta(hours=1)),  # an hour before the deadline
        (NOW + timedelta(minutes=30), NOW + timedelta(minutes=15)),  # never sooner than 15 min
        (None, NOW + timedelta(hours=4)),
    ],
)
def test_it_escalates_before_the_deadline_but_not_at_once(due_by, escalate_at):
    assert ReviewPolicy.from_config(defaults()).escalate_at(NOW, due_by) == escalate_at
