"""What a council coordinator reached by escalation can do about an alert: acknowledge it
on the setting's behalf (alerts/ack.py, as "council"), or record what the council is doing
("called the school at 08:50"), which stops the ladder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from encompass.alerts.errors import AlertError
from encompass.delivery import outbox
from encompass.models import Alert
from encompass.records import audit


class CouncilActionError(AlertError):
    """The action cannot be recorded; the message says why."""


def may_act_for_council(alert: Alert) -> bool:
    """Only once the ladder has reached the council, and while nobody has acknowledged."""
    return (
        alert.escalated_at is not None
        and alert.acknowledged_at is None
        and alert.withdrawn_at is None
    )


def record_council_handling(
    session: Session, alert: Alert, *, user_id: int, note: str, now: datetime
) -> Alert:
    """The council has it in hand: no more steps, nothing more sent about it."""
    note = note.strip()
    if not note:
        raise CouncilActionError(
            "Enter what the council is doing, like 'called the school at 08:50'"
        )
    if not may_act_for_council(alert):
        raise CouncilActionError("This notification is not waiting for the council")
    alert.council_handling_at = now
    alert.council_handling_by_user_id = user_id
    alert.council_handling_note = note[:2000]
    session.add(alert)
    session.flush()
    # The ladder stops: a worker holding the old fence changes nothing.
    session.execute(
        update(Alert)
        .where(col(Alert.id) == alert.id)
        .values(next_step_at=None, fence=col(Alert.fence) + 1)
        .execution_options(synchronize_session=False)
    )
    outbox.cancel_unsent(session, alert.id, now)
    audit.record(
        session,
        "alert.council_handling",
        user_id=user_id,
        object_type="alert",
        object_id=alert.id,
        at=now,
    )
    return alert
