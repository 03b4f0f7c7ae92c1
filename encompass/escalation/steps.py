"""Fire the ladder steps that are due: claimed once, never after acknowledgement.

The timer lives on the alert (next_step_at). A step is claimed by bumping the alert's
fence with a conditional update in the same transaction that queues the step's
messages, so a crash either leaves the step unclaimed (it fires on the next pass) or
fully queued; two workers can never both fire it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, literal, null, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from encompass.alerts.council import CouncilStep
from encompass.alerts.create import fire_step
from encompass.alerts.ladder import step_time
from encompass.alerts.outgoing import Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import Recipients
from encompass.db import UTCDateTime, is_postgres, session_scope
from encompass.lifecycles.alert import ALERT, AlertStatus
from encompass.models import Alert, Setting
from encompass.models.escalation import LadderStep

BATCH = 200


@dataclass
class _Step:
    """A due step as read, and what claiming it changes."""

    id: int
    due_by: datetime | None
    setting_id: int
    fence: int
    step: LadderStep | None  # None: the ladder has run out (the timer is just cleared)
    next_index: int
    next_at: datetime | None
    escalates: bool


def _due(session: Session, now: datetime) -> list[_Step]:
    """Up to BATCH due steps, oldest first (locked, skipping other workers', on PostgreSQL)."""
    query = (
        sa_select(
            col(Alert.id),
            col(Alert.fence),
            col(Alert.step_index),
            col(Alert.ladder),
            col(Alert.created_at),
            col(Alert.due_by),
            col(Alert.setting_id),
        )
        .where(
            col(Alert.next_step_at) <= now,
            col(Alert.acknowledged_at).is_(None),
            col(Alert.withdrawn_at).is_(None),
        )
        .order_by(col(Alert.next_step_at))
        .limit(BATCH)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    steps = []
    for alert_id, fence, index, ladder, created_at, due_by, setting_id in session.execute(query):
        step = ladder[index] if index < len(ladder) else None
        following = index + 1 if step is not None else index
        next_at = (
            step_time(ladder[following], created_at=created_at, due_by=due_by)
            if step is not None and following < len(ladder)
            else None
        )
        steps.append(
            _Step(
                id=alert_id,
                due_by=due_by,
                setting_id=setting_id,
                fence=fence,
                step=step,
                next_index=following,
                next_at=next_at,
                escalates=bool(step and step["mark_escalated"]),
            )
        )
    return steps


def _by_alert(values: dict[int, Any], else_: Any) -> Any:
    """CASE alert.id WHEN ... THEN ...: one value per alert in a single UPDATE."""
    return case(values, value=col(Alert.id), else_=else_)


def _when(value: datetime | None) -> ColumnElement[Any]:
    return literal(value, UTCDateTime()) if value is not None else null()


def _next_times(steps: list[_Step]) -> Any:
    """Each alert's next timer, or NULL when its ladder has run out (a bare NULL when they
    all have: PostgreSQL cannot tell the type of a CASE of NULLs)."""
    if all(s.next_at is None for s in steps):
        return None
    return _by_alert({s.id: _when(s.next_at) for s in steps}, null())


def _claim(session: Session, steps: list[_Step], now: datetime) -> set[int]:
    """Claim the steps in one conditional UPDATE; returns the alerts whose step is ours.

    A step is ours only if its alert still has the fence we read and is not acknowledged:
    a step another worker claimed first, or an alert acknowledged meanwhile, is left alone.
    """
    ids = [s.id for s in steps]
    escalating = [s.id for s in steps if s.escalates]
    statement = (
        update(Alert)
        .where(
            col(Alert.id).in_(ids),
            col(Alert.acknowledged_at).is_(None),
            col(Alert.withdrawn_at).is_(None),
            col(Alert.fence) == _by_alert({s.id: s.fence for s in steps}, None),
        )
        .values(
            fence=col(Alert.fence) + 1,
            step_index=_by_alert({s.id: s.next_index for s in steps}, col(Alert.step_index)),
            next_step_at=_next_times(steps),
        )
        .returning(col(Alert.id))
    )
    if escalating:
        statement = statement.values(
            escalated_at=_by_alert(dict.fromkeys(escalating, _when(now)), col(Alert.escalated_at)),
        )
    # On the session's connection: nothing of these alerts is held in the session.
    ours = {int(i) for i in session.connection().execute(statement).scalars() if i is not None}
    if escalating and ours:
        ALERT.move_all(
            session.connection(), AlertStatus.ESCALATED, col(Alert.id).in_(ours & set(escalating))
        )
    return ours


def fire_due_steps(engine: Engine, now: datetime, policy: AlertPolicy) -> int:
    """Fire every ladder step due by `now`; returns how many fired.

    A batch is read, claimed in one UPDATE, and its messages queued in a few INSERTs, all
    in one transaction: a crash leaves the whole batch unclaimed, or claimed and queued.
    """
    fired = 0
    while True:
        with session_scope(engine) as session:
            due = _due(session, now)
            claimed = _claim(session, due, now) if due else set()
            ours = [s for s in due if s.id in claimed and s.step is not None]
            settings = (
                {
                    s.id: s
                    for s in session.exec(
                        select(Setting).where(col(Setting.id).in_({s.setting_id for s in ours}))
                    )
                }
                if ours
                else {}
            )
            recipients = Recipients(session).load(settings.values())
            out = Outgoing(now, policy)
            # The council hears once about every alert of the batch that reaches it.
            council = CouncilStep()
            for step in ours:
                assert step.step is not None
                setting = settings[step.setting_id]
                fire_step(recipients, out, step, setting, step.step, council=council)
            council.queue(out, f"{policy.base_url}/admin/attention")
            out.write(session)
        fired += len(ours)
        if len(due) < BATCH:
            return fired
        if not claimed:
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
