"""Escalation ladders: who is told, how, and when, while nobody has acknowledged.

A ladder is a list of steps. Step 0 fires when the alert is created; each later step
fires at its time unless someone at the setting has acknowledged by then:

    {"name": "deputy", "at": "due_by", "offset_minutes": 0, "not_before_minutes": 15,
     "notify": [{"role": "deputy", "channels": ["sms", "email"]},
                {"role": "dsl", "channels": ["voice"]}],
     "mark_escalated": false}

`at` is "send" (the alert's creation) or "due_by"; a step never fires sooner than
`not_before_minutes` after the alert was created. Roles are a setting's Key Adult roles,
or "coordinator" for the council's coordinators.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, and_, col, or_, select

from encompass.alerts.errors import AlertError
from encompass.models import EscalationLadder, Setting
from encompass.models.escalation import LadderStep

ROLES = ("dsl", "deputy", "head", "holiday_cover", "coordinator")
CHANNELS = ("sms", "email", "voice")

DEFAULT_LADDER: list[dict[str, Any]] = [
    {
        "name": "dsl",
        "at": "send",
        "offset_minutes": 0,
        "notify": [{"role": "dsl", "channels": ["sms", "email"]}],
    },
    {
        "name": "deputy",
        "at": "due_by",
        "offset_minutes": 0,
        "not_before_minutes": 15,
        "notify": [
            {"role": "deputy", "channels": ["sms", "email"]},
            {"role": "dsl", "channels": ["voice"]},
        ],
    },
    {
        "name": "head",
        "at": "due_by",
        "offset_minutes": 30,
        "notify": [{"role": "head", "channels": ["sms", "voice"]}],
    },
    {
        "name": "coordinator",
        "at": "due_by",
        "offset_minutes": 60,
        "notify": [{"role": "coordinator", "channels": ["sms", "email"]}],
        "mark_escalated": True,
    },
]


class LadderError(AlertError):
    """The ladder is not usable; the message says which step and why."""


def validate(steps: Any) -> list[LadderStep]:
    """A checked copy of a ladder, or LadderError."""
    if not isinstance(steps, list) or not steps:
        raise LadderError("a ladder is a non-empty list of steps")
    checked: list[LadderStep] = []
    for number, step in enumerate(steps):
        where = f"step {number}"
        if not isinstance(step, dict):
            raise LadderError(f"{where} must be an object")
        at = step.get("at", "due_by")
        if at not in ("send", "due_by"):
            raise LadderError(f"{where}: at must be 'send' or 'due_by'")
        if number == 0 and at != "send":
            raise LadderError("step 0 fires when the alert is sent: at must be 'send'")
        offset = step.get("offset_minutes", 0)
        not_before = step.get("not_before_minutes", 0)
        for name, value in (("offset_minutes", offset), ("not_before_minutes", not_before)):
            if not isinstance(value, int) or not 0 <= value <= 7 * 24 * 60:
                raise LadderError(f"{where}: {name} must be whole minutes, 0 to a week")
        notify = step.get("notify")
        if not isinstance(notify, list) or not notify:
            raise LadderError(f"{where}: notify must list at least one role")
        for entry in notify:
            if not isinstance(entry, dict) or entry.get("role") not in ROLES:
                raise LadderError(f"{where}: role must be one of {', '.join(ROLES)}")
            channels = entry.get("channels")
            if not isinstance(channels, list) or not channels or not set(channels) <= set(CHANNELS):
                raise LadderError(f"{where}: channels must be some of {', '.join(CHANNELS)}")
        checked.append(
            {
                "name": str(step.get("name", f"step {number}"))[:40],
                "at": at,
                "offset_minutes": offset,
                "not_before_minutes": not_before,
                "notify": [{"role": e["role"], "channels": list(e["channels"])} for e in notify],
                "mark_escalated": bool(step.get("mark_escalated", False)),
            }
        )
    if not any(s["mark_escalated"] for s in checked):
        raise LadderError("one step must mark the alert escalated (the council's last resort)")
    return checked


# Checked once, kept as JSON: parsing it gives each alert its own copy, far quicker than
# copy.deepcopy.
_CHECKED_DEFAULT = json.dumps(validate(DEFAULT_LADDER))


def ladder_for(session: Session, setting: Setting) -> list[LadderStep]:
    """The setting's own ladder, else its council's, else the default."""
    scopes: list[ColumnElement[bool]] = [col(EscalationLadder.setting_id) == setting.id]
    if setting.la_code:
        scopes.append(
            and_(
                col(EscalationLadder.la_code) == setting.la_code,
                col(EscalationLadder.setting_id).is_(None),
            )
        )
    # One query: the setting's own sorts first (false before true), then the council's.
    own = session.exec(
        select(EscalationLadder)
        .where(or_(*scopes))
        .order_by(col(EscalationLadder.setting_id).is_(None))
        .limit(1)
    ).first()
    # A stored ladder is checked as it is read; the default was checked once, at import.
    if own is not None:
        return validate(own.steps)
    default: list[LadderStep] = json.loads(_CHECKED_DEFAULT)
    return default


def step_time(step: LadderStep, *, created_at: datetime, due_by: datetime | None) -> datetime:
    anchor = due_by if step["at"] == "due_by" and due_by is not None else created_at
    at = anchor + timedelta(minutes=step["offset_minutes"])
    return max(at, created_at + timedelta(minutes=step["not_before_minutes"]))


def escalation_index(ladder: Sequence[LadderStep]) -> int:
    """The step that hands the alert to the council: where an unreachable setting jumps."""
    return next(i for i, s in enumerate(ladder) if s["mark_escalated"])
