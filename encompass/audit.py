"""Append-only audit trail: every read of a child's details and every change of state."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from encompass.db import utcnow
from encompass.models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    force_id: int | None = None,
    object_type: str = "",
    object_id: int | None = None,
    remote_addr: str = "",
    detail: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at or utcnow(),
        user_id=user_id,
        force_id=force_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        remote_addr=remote_addr[:64],
        detail=detail[:500],
    )
    session.add(event)
    return event
