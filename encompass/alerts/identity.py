"""Who is the same child from one notice to the next: never a guess.

Two notices are about the same child when their children were matched to the same pupil
(the same UPN, or the same roll entry: setting, names and date of birth, whatever roll
imports came between), or when a coordinator said so. A child on no roll starts a story
of its own; a coordinator may join it to an earlier one, and is shown as suggestions only
the earlier children whose names, date of birth and address agree exactly once
normalised. Nothing links two children on a likeness alone.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.alerts.errors import AlertError
from encompass.matching.normalise import address_words, name_key, postcode_key
from encompass.models import Alert, Child, Notice, Pupil, Setting
from encompass.records import audit
from encompass.reports.repeats import alerted_children


def pupil_key(pupil: Pupil) -> str:
    """A digest that is the same for the same pupil on any later import of a roll."""
    upn = pupil.upn.strip().upper()
    basis = (
        f"upn:{upn}"
        if upn
        else f"roll:{pupil.setting_id}:{pupil.given_key}:{pupil.family_key}:"
        f"{pupil.date_of_birth.isoformat()}"
    )
    return hashlib.sha256(basis.encode()).hexdigest()


def join_stories(session: Session, children: list[Child]) -> None:
    """Give each child reaching a setting its story (ids assigned, the caller commits): an
    earlier child's matched to the same pupil, or a story of its own."""
    pending = [c for c in children if c.story_id is None and c.id is not None]
    pupil_ids = [c.pupil_id for c in pending if c.pupil_id is not None]
    pupils = (
        {p.id: p for p in session.exec(select(Pupil).where(col(Pupil.id).in_(pupil_ids)))}
        if pupil_ids
        else {}
    )
    for child in pending:
        pupil = pupils.get(child.pupil_id)
        child.pupil_key = pupil_key(pupil) if pupil is not None else None
    keys = {c.pupil_key for c in pending if c.pupil_key}
    earlier: dict[str, int] = {}
    if keys:
        for key, story in session.exec(
            select(Child.pupil_key, Child.story_id)
            .where(
                col(Child.pupil_key).in_(keys),
                col(Child.story_id).is_not(None),
                col(Child.superseded_at).is_(None),
            )
            .order_by(col(Child.id))
        ):
            if key is not None and story is not None:
                earlier.setdefault(key, story)
    for child in pending:
        child.story_id = earlier.get(child.pupil_key or "") or child.id
        if child.pupil_key:
            earlier.setdefault(child.pupil_key, child.story_id)  # type: ignore[arg-type]
        session.add(child)


def _same_person(a: Child, b: Child) -> bool:
    """Names, date of birth and address the same once normalised (none of them missing)."""
    return (
        a.date_of_birth is not None
        and a.date_of_birth == b.date_of_birth
        and bool(name_key(a.given_name))
        and name_key(a.given_name) == name_key(b.given_name)
        and name_key(a.family_name) == name_key(b.family_name)
        and bool(postcode_key(a.postcode))
        and postcode_key(a.postcode) == postcode_key(b.postcode)
        and bool(address_words(a.address)[1])
        and address_words(a.address) == address_words(b.address)
    )


def suggestions(session: Session, child: Child, la_code: str) -> list[tuple[Alert, Child, Notice]]:
    """Earlier alerted children in this council that may be this child on no roll, for a
    coordinator to decide on: exact agreement only, never for a child matched to a pupil
    (the pupil decides)."""
    if child.pupil_key or child.date_of_birth is None or child.story_id is None:
        return []
    rows = session.exec(
        alerted_children()
        .where(
            Setting.la_code == la_code,
            Child.date_of_birth == child.date_of_birth,
            col(Child.story_id) != child.story_id,
            Child.notice_id != child.notice_id,
            col(Child.superseded_at).is_(None),
            col(Notice.minimised_at).is_(None),
            col(Child.id) < child.id,
        )
        .order_by(col(Notice.received_at).desc())
    ).all()
    found: list[tuple[Alert, Child, Notice]] = []
    stories: set[int | None] = set()
    for alert, earlier, notice, _ in rows:
        if earlier.story_id not in stories and _same_person(child, earlier):
            stories.add(earlier.story_id)
            found.append((alert, earlier, notice))
    return found


class LinkError(AlertError):
    """The two children cannot be linked; the message says why."""


def link_same_child(
    session: Session, child: Child, earlier: Child, *, user_id: int, now: datetime
) -> int:
    """A coordinator's decision that `earlier` is this child: the two stories become one
    (the caller commits). Returns how many notices' children moved story."""
    if child.story_id is None or earlier.story_id is None:
        raise LinkError("Only children who reached a setting have a story to join")
    if child.story_id == earlier.story_id:
        raise LinkError("These notices are already about the same child")
    moved = session.execute(
        update(Child).where(col(Child.story_id) == child.story_id).values(story_id=earlier.story_id)
    ).rowcount  # type: ignore[attr-defined]
    audit.record(
        session,
        "child.linked",
        user_id=user_id,
        object_type="notice",
        object_id=child.notice_id,
        detail=f"the same child as on notice {earlier.notice_id} (a coordinator's decision)",
        at=now,
    )
    session.expire(child)
    return int(moved)
