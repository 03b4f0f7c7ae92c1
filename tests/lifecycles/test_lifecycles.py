"""Each status column's lifecycle: its states agree with the tables and the API, a row
moves only along an allowed move, and a final state is never left (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest
from sqlmodel import select

from encompass.lifecycles import Lifecycle
from encompass.lifecycles.alert import ALERT, AlertStatus
from encompass.lifecycles.child import CHILD, ChildOutcome
from encompass.lifecycles.delivery import DELIVERY, DeliveryStatus
from encompass.lifecycles.import_job import IMPORT_JOB, ImportJobStatus
from encompass.lifecycles.review import REVIEW, ReviewStatus
from encompass.models import Alert, Child, Delivery, ImportJob, ReviewItem
from encompass.notices.amend import withdraw_alert
from encompass.notices.schemas import AlertOut, ChildOut
from tests.factories import submit_notice

pytestmark = pytest.mark.clock

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday in term
LIFECYCLES: list[Lifecycle] = [ALERT, DELIVERY, REVIEW, CHILD, IMPORT_JOB]


@pytest.mark.parametrize(
    ("table", "lifecycle"),
    [(Alert, ALERT), (Delivery, DELIVERY), (ReviewItem, REVIEW), (ImportJob, IMPORT_JOB)],
)
def test_a_new_row_starts_in_its_lifecycles_initial_state(table, lifecycle):
    assert table.model_fields["status"].default == lifecycle.initial


def test_the_api_names_the_alert_statuses_and_child_outcomes_of_the_lifecycles():
    assert set(get_args(AlertOut.model_fields["status"].annotation)) == set(AlertStatus)
    assert set(get_args(ChildOut.model_fields["outcome"].annotation)) == set(ChildOutcome)


@pytest.mark.parametrize("lifecycle", LIFECYCLES)
def test_every_state_is_reachable_and_every_path_ends_in_a_final_state(lifecycle):
    states = set(lifecycle.moves)
    seen, todo = set(), [lifecycle.initial] if lifecycle is not CHILD else list(ChildOutcome)
    while todo:
        state = todo.pop()
        if state not in seen:
            seen.add(state)
            todo.extend(lifecycle.moves[state])
    assert seen == states
    assert lifecycle.final and all(not lifecycle.moves[s] for s in lifecycle.final)
    for state, moves in lifecycle.moves.items():
        assert moves <= states and state not in moves


def test_the_final_states_are_the_ones_the_service_promises():
    assert ALERT.final == {AlertStatus.ACKNOWLEDGED, AlertStatus.WITHDRAWN}
    assert DeliveryStatus.FAILED in DELIVERY.final and DeliveryStatus.CANCELLED in DELIVERY.final
    assert REVIEW.final == {ReviewStatus.RESOLVED}
    assert CHILD.final == {ChildOutcome.MATCHED, ChildOutcome.NO_SETTING}
    assert IMPORT_JOB.final == {ImportJobStatus.FINISHED, ImportJobStatus.FAILED}


def test_a_move_is_conditional_and_says_whether_it_moved(db, client, key, school):
    submit_notice(client, key, at=NOW)
    alert = db.exec(select(Alert)).one()
    assert alert.status == AlertStatus.PENDING

    assert ALERT.move(db, alert.id, AlertStatus.SENT)
    assert alert.status == AlertStatus.SENT  # the loaded row shows the move
    assert not ALERT.move(db, alert.id, AlertStatus.SENT)  # sent -> sent is no move
    assert ALERT.move(db, alert.id, AlertStatus.ACKNOWLEDGED, acknowledged_at=NOW)
    db.commit()

    # Acknowledged is final: withdrawing, escalating or sending it changes nothing.
    for to in (AlertStatus.WITHDRAWN, AlertStatus.ESCALATED, AlertStatus.PENDING):
        assert not ALERT.move(db, alert.id, to)
    withdraw_alert(db, alert, NOW)
    db.commit()
    db.expire_all()
    assert db.get(Alert, alert.id).status == AlertStatus.ACKNOWLEDGED


def test_a_final_delivery_is_never_left(db, client, key, school):
    submit_notice(client, key, at=NOW)
    delivery = db.exec(select(Delivery).where(Delivery.channel == "email")).one()
    assert DELIVERY.move(db, delivery.id, DeliveryStatus.SENDING)
    assert DELIVERY.move(db, delivery.id, DeliveryStatus.FAILED, error_code="x")
    db.commit()
    for to in DeliveryStatus:
        assert not DELIVERY.move(db, delivery.id, to), to
    assert DELIVERY.move_all(db, DeliveryStatus.DELIVERED, Delivery.id == delivery.id) == []
    db.commit()
    db.expire_all()
    assert db.get(Delivery, delivery.id).status == DeliveryStatus.FAILED


def test_a_matched_child_and_a_resolved_review_stay_so(db, client, key, school):
    submit_notice(client, key, at=NOW)
    child = db.exec(select(Child)).one()
    assert child.outcome == child.intake_outcome == ChildOutcome.MATCHED
    assert not CHILD.move(db, child.id, ChildOutcome.NO_SETTING)
    assert not CHILD.move(db, child.id, ChildOutcome.REVIEW)
