"""A notice as its own force sees it: what happened to each child."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, select

from encompass.alerts.follow_up import recorded
from encompass.models import Alert, Child, Notice, Setting
from encompass.notices.schemas import (
    AlertOut,
    AlsoToldOut,
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


def _also_out(setting: Setting, alert: Alert, followed: set[int]) -> AlsoToldOut:
    out = alert_out(alert, alert.id in followed)
    assert out is not None
    return AlsoToldOut(setting=SettingRef(urn=setting.urn, name=setting.name), alert=out)


def child_out(
    child: Child,
    setting: Setting | None,
    alert: Alert | None,
    followed: set[int] | None = None,
    also: Sequence[tuple[Setting, Alert]] = (),
) -> ChildOut:
    """`also`: the child's other settings told (dual registration), with their alerts."""
    assert child.id is not None
    followed = followed or set()
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
        alert=alert_out(alert, alert is not None and alert.id in followed),
        also_told=[_also_out(other, other_alert, followed) for other, other_alert in also],
    )


def notice_out(
    notice: Notice,
    children: Iterable[tuple[Child, Setting | None, Alert | None]],
    followed: set[int] | None = None,
    also: Mapping[int, Sequence[tuple[Setting, Alert]]] | None = None,
) -> dict[str, Any]:
    """The answer, from the notice and its children (in order) with their settings and
    alerts, however they were come by; `followed`: the alerts whose setting recorded what
    followed; `also`: by child id, the other settings told with their alerts (dual
    registration)."""
    also = also or {}
    assert notice.id is not None
    out = NoticeOut(
        id=notice.id,
        police_reference=notice.police_reference,
        occurred_at=notice.occurred_at,
        received_at=notice.received_at,
        risk_level=notice.risk_level,  # type: ignore[arg-type]
        children=[
            child_out(*row, followed=followed, also=also.get(row[0].id or 0, ()))
            for row in children
        ],
    )
    return out.model_dump(mode="json")


def notice_for_force(session: Session, notice: Notice) -> dict[str, Any]:
    """The notice as stored now (read back: alerts move on after intake). A child told at
    two settings (dual registration) has its setting's alert, and the other in
    `also_told`."""
    assert notice.id is not None
    children = children_of(session, notice.id)
    alerts: dict[int, list[Alert]] = {}
    for a in session.exec(
        select(Alert)
        .where(col(Alert.child_id).in_([c.id for c in children]))
        .order_by(col(Alert.id))
    ):
        alerts.setdefault(a.child_id, []).append(a)
    primary: dict[int, Alert] = {}
    also: dict[int, list[tuple[Setting, Alert]]] = {}
    for c in children:
        assert c.id is not None
        own = alerts.get(c.id, [])
        first = next((a for a in own if a.setting_id == c.setting_id), own[0] if own else None)
        if first is not None:
            primary[c.id] = first
        for a in own:
            other = session.get(Setting, a.setting_id) if a is not first else None
            if other is not None:
                also.setdefault(c.id, []).append((other, a))
    return notice_out(
        notice,
        (
            (
                c,
                session.get(Setting, c.setting_id) if c.setting_id else None,
                primary.get(c.id or 0),
            )
            for c in children
        ),
        recorded(session, [a.id for own in alerts.values() for a in own if a.id is not None]),
        also,
    )
