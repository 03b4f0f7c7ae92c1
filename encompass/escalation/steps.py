"""Fire the ladder steps that are due: claimed once, never after acknowledgement.

The timer lives on the alert (next_step_at). A step is claimed by bumping the alert's
fence with a conditional update in the same transaction that queues the step's
messages, so a crash either leaves the step unclaimed (it fires on the next pass) or
fully queued; two workers can never both fire it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from encompass.alerts.create import fire_step
from encompass.alerts.policy import AlertPolicy
from encompass.db import is_postgres, session_scope
from encompass.escalation.ladder import step_time
from encompass.models import Alert, Setting

BATCH = 200


def _due(session: Session, now: datetime) -> list[tuple[int, int]]:
    query = (
        select(Alert.id, Alert.fence)
        .where(col(Alert.next_step_at) <= now, col(Alert.acknowledged_at).is_(None))
        .order_by(col(Alert.next_step_at))
        .limit(BATCH)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return [(int(i), int(f)) for i, f in session.exec(query).all()]  # type: ignore[arg-type]


def _claim_and_fire(
    session: Session, alert_id: int, fence: int, now: datetime, policy: AlertPolicy
) -> bool:
    alert = session.get(Alert, alert_id)
    if alert is None or alert.fence != fence or alert.step_index >= len(alert.ladder):
        return False
    step = alert.ladder[alert.step_index]
    following = alert.step_index + 1
    next_at = (
        step_time(alert.ladder[following], created_at=alert.created_at, due_by=alert.due_by)
        if following < len(alert.ladder)
        else None
    )
    values: dict[str, object] = {
        "fence": fence + 1,
        "step_index": following,
        "next_step_at": next_at,
    }
    if step.get("mark_escalated"):
        values.update(status="escalated", escalated_at=now)
    # On the session's connection, without the ORM's "evaluate" synchronisation (which
    # matches the criteria against every object in the session, hundreds in a batch):
    # the one object it concerns is brought up to date below.
    claimed = (
        session.connection()
        .execute(
            update(Alert)
            .where(
                col(Alert.id) == alert_id,
                col(Alert.fence) == fence,
                col(Alert.acknowledged_at).is_(None),
            )
            .values(**values)
        )
        .rowcount
    )
    if claimed != 1:
        return False
    for name, value in values.items():
        set_committed_value(alert, name, value)
    setting = session.get(Setting, alert.setting_id)
    assert setting is not None
    fire_step(session, alert, setting, step, now=now, policy=policy)
    return True


def fire_due_steps(engine: Engine, now: datetime, policy: AlertPolicy) -> int:
    """Fire every ladder step due by `now`; returns how many fired."""
    fired = 0
    while True:
        with session_scope(engine) as session:
            due = _due(session, now)
            # The batch's alerts and settings in two queries (session.get then finds them
            # in the session); the messages queued are written together at commit.
            ids = [i for i, _ in due]
            alerts = session.exec(select(Alert).where(col(Alert.id).in_(ids))).all() if ids else []
            setting_ids = {a.setting_id for a in alerts}
            if setting_ids:
                session.exec(select(Setting).where(col(Setting.id).in_(setting_ids))).all()
            with session.no_autoflush:
                batch = sum(_claim_and_fire(session, i, f, now, policy) for i, f in due)
        fired += batch
        if len(due) < BATCH:
            return fired
        if batch == 0:
            return fired  # everything left is another worker's


def jump_to_step(session: Session, alert: Alert, index: int, now: datetime) -> bool:
    """Bring step `index` forward to now (an unreachable setting goes to the council)."""
    if alert.acknowledged_at is not None or alert.step_index > index:
        return False
    moved = session.execute(
        update(Alert)
        .where(col(Alert.id) == alert.id, col(Alert.fence) == alert.fence)
        .values(fence=alert.fence + 1, step_index=index, next_step_at=now)
    ).rowcount  # type: ignore[attr-defined]
    return bool(moved)
