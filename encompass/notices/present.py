"""A notice as its own force sees it: what happened to each child."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from encompass.alerts.follow_up import recorded
from encompass.models import Alert, Child, Notice, Setting
from encompass.notices.schemas import (
    AlertOut,
    ChildOut,
    CouncilHandlingOut,
    NoticeOut,
    SettingRef,
)


def children_of(session: Session, notice_id: int) -> list[Child]:
    return list(
        session.exec(
            select(Child)
            .where(Child.notice_id == notice_id, col(Child.superseded_at).is_(None))
            .order_by(col(Child.position))
        )
    )


def alert_out(alert: Alert | None, follow_up_recorded: bool = False) -> AlertOut | None:
    if alert is None:
        return None
    return AlertOut(
        status=alert.status,  # type: ignore[arg-type]
        sent_at=alert.sent_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_as=alert.acknowledged_as,
        feedback=alert.feedback,
        follow_up_recorded=follow_up_recorded,
        council_handling=(
            CouncilHandlingOut(
                since=alert.council_handling_at, note=alert.council_handling_note or ""
            )
            if alert.council_handling_at is not None
            else None
        ),
    )


def child_out(
    child: Child, setting: Setting | None, alert: Alert | None, followed: set[int] | None = None
) -> ChildOut:
    assert child.id is not None
    return ChildOut(
        id=child.id,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        age_years=child.age_years,
        unborn=child.unborn,
        outcome=child.outcome,  # type: ignore[arg-type]
        setting=SettingRef(urn=setting.urn, name=setting.name) if setting else None,
        due_by=child.due_by,
        holiday_period=child.holiday_period,
        holiday_lead_up=child.holiday_lead_up,
        alert=alert_out(alert, alert is not None and alert.id in (followed or set())),
    )


def notice_out(
    notice: Notice,
    children: Iterable[tuple[Child, Setting | None, Alert | None]],
    followed: set[int] | None = None,
) -> dict[str, Any]:
    """The answer, from the notice and its children (in order) with their settings and
    alerts, however they were come by; `followed`: the alerts whose setting recorded what
    followed."""
    assert notice.id is not None
    out = NoticeOut(
        id=notice.id,
        police_reference=notice.police_reference,
        occurred_at=notice.occurred_at,
        received_at=notice.received_at,
        risk_level=notice.risk_level,  # type: ignore[arg-type]
        children=[child_out(*row, followed=followed) for row in children],
    )
    return out.model_dump(mode="json")


def notice_for_force(session: Session, notice: Notice) -> dict[str, Any]:
    """The notice as stored now (read back: alerts move on after intake)."""
    assert notice.id is not None
    children = children_of(session, notice.id)
    alerts: dict[int | None, Alert] = {
        a.child_id: a
        for a in session.exec(
            select(Alert).where(col(Alert.child_id).in_([c.id for c in children]))
        )
    }
    return notice_out(
        notice,
        (
            (c, session.get(Setting, c.setting_id) if c.setting_id else None, alerts.get(c.id))
            for c in children
        ),
        recorded(session, [a.id for a in alerts.values() if a.id is not None]),
    )
