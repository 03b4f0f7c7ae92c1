"""A notice as its own force sees it: what happened to each child."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from encompass.models import Alert, Child, Notice, Setting
from encompass.notices.schemas import AlertOut, ChildOut, NoticeOut, SettingRef


def children_of(session: Session, notice_id: int) -> list[Child]:
    return list(
        session.exec(
            select(Child).where(Child.notice_id == notice_id).order_by(Child.position)  # type: ignore[arg-type]
        )
    )


def alert_out(alert: Alert | None) -> AlertOut | None:
    if alert is None:
        return None
    return AlertOut(
        status=alert.status,  # type: ignore[arg-type]
        sent_at=alert.sent_at,
        acknowledged_at=alert.acknowledged_at,
        feedback=alert.feedback,
    )


def child_out(session: Session, child: Child) -> ChildOut:
    assert child.id is not None
    setting = session.get(Setting, child.setting_id) if child.setting_id else None
    alert = session.exec(select(Alert).where(Alert.child_id == child.id)).first()
    return ChildOut(
        id=child.id,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        unborn=child.unborn,
        outcome=child.outcome,  # type: ignore[arg-type]
        setting=SettingRef(urn=setting.urn, name=setting.name) if setting else None,
        due_by=child.due_by,
        holiday_period=child.holiday_period,
        holiday_lead_up=child.holiday_lead_up,
        alert=alert_out(alert),
    )


def notice_for_force(session: Session, notice: Notice) -> dict[str, Any]:
    assert notice.id is not None
    out = NoticeOut(
        id=notice.id,
        police_reference=notice.police_reference,
        occurred_at=notice.occurred_at,
        received_at=notice.received_at,
        risk_level=notice.risk_level,  # type: ignore[arg-type]
        children=[child_out(session, c) for c in children_of(session, notice.id)],
    )
    return out.model_dump(mode="json")
