"""Retention: after NOTICE_RETENTION_DAYS a notice keeps its numbers and loses its people.

Minimising a notice removes every personal field (children's names, dates of birth,
addresses, where they were and what they said; the adults; the officer; the Key Adult's
notes, the week-on note; review candidates; message addresses) and keeps what reports
count: the notice, its children as rows with outcome, setting, deadlines, holiday flags
and story (so a later notice about the child still counts this one), its alerts with
their times and statuses, and the week-on answers' choices. Postcodes shrink to their
outward code (the area). What was removed is audited by field name and count, never by
value.

Run by the worker each tick (a small batch) and by `encompass retention run`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.models import Alert, Child, Delivery, FollowUp, Notice, ReviewItem
from encompass.records import audit


def outward_code(postcode: str) -> str:
    """'YO1 7HH' -> 'YO1': the area, not the street."""
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if len(compact) > 4 else ""


def due_for_minimising(session: Session, now: datetime, days: int, limit: int) -> list[Notice]:
    cutoff = now - timedelta(days=days)
    return list(
        session.exec(
            select(Notice)
            .where(col(Notice.minimised_at).is_(None), col(Notice.received_at) < cutoff)
            .order_by(col(Notice.received_at))
            .limit(limit)
        )
    )


def minimise_notice(session: Session, notice: Notice, now: datetime) -> str:
    """Remove the notice's personal fields; returns what was removed (names, counts)."""
    assert notice.id is not None
    removed: list[str] = []
    adults = len(notice.adults or [])
    notice.circumstances = ""
    notice.adults = []
    notice.officer_name = ""
    notice.officer_collar_number = ""
    notice.officer_contact_phone = ""
    notice.location_postcode = outward_code(notice.location_postcode)
    notice.minimised_at = now
    session.add(notice)
    removed += ["circumstances", f"{adults} adults", "officer", "location postcode (street)"]

    children = list(session.exec(select(Child).where(Child.notice_id == notice.id)))
    for child in children:
        child.given_name = ""
        child.family_name = ""
        child.date_of_birth = None
        child.expected_date = None
        child.address = ""
        child.postcode = outward_code(child.postcode)
        child.where = ""
        child.voice_of_child = ""
        child.pupil_id = None
        # The story (story_id, and pupil_key: a digest, no name or date can be read from
        # it) stays: the child's later notices still count this one, by its date only.
        session.add(child)
    if children:
        removed.append(
            f"{len(children)} children's names, dates of birth, addresses, where and voice"
        )

    child_ids = [c.id for c in children]
    alerts = list(session.exec(select(Alert).where(col(Alert.child_id).in_(child_ids))))
    notes = 0
    for alert in alerts:
        if alert.feedback or alert.child_presentation:
            notes += 1
        alert.feedback = None
        alert.child_presentation = ""
        session.add(alert)
    alert_ids = [a.id for a in alerts]
    follow_ups = list(session.exec(select(FollowUp).where(col(FollowUp.alert_id).in_(alert_ids))))
    for follow_up in follow_ups:
        if follow_up.note:
            notes += 1
        follow_up.note = ""
        session.add(follow_up)
    if notes:
        removed.append(f"{notes} Key Adult notes")

    reviews = list(session.exec(select(ReviewItem).where(ReviewItem.notice_id == notice.id)))
    for item in reviews:
        item.candidates = []
        session.add(item)
    if reviews:
        removed.append(f"{len(reviews)} review candidate lists")

    if alert_ids:
        messages = session.execute(
            update(Delivery)
            .where(col(Delivery.alert_id).in_(alert_ids))
            .values(to_address="", body="", subject="")
        ).rowcount  # type: ignore[attr-defined]
        if messages:
            removed.append(f"{messages} message addresses and bodies")

    summary = "removed: " + "; ".join(removed)
    audit.record(
        session,
        "retention.minimised",
        object_type="notice",
        object_id=notice.id,
        detail=summary,
        at=now,
        remote_addr="",
    )
    return summary


def run_retention(session: Session, now: datetime, days: int, batch: int = 100) -> int:
    """Minimise up to `batch` notices past retention, committing each; returns how many."""
    done = 0
    for notice in due_for_minimising(session, now, days, batch):
        minimise_notice(session, notice, now)
        session.commit()
        done += 1
    return done
