"""Amending a sent notice: a child the police forgot, or a child's details corrected.

A new child is resolved and alerted like any child of a new notice. A correction changes
the stored child; when it changes what the child is matched on, the child is resolved
again. Still the same setting: the child is corrected in place and the setting sees what
changed. Somewhere else (another setting, or the review queue): the old row is kept as
history (superseded), its alert withdrawn or its review closed, and a new row at the same
position goes where the corrected child resolves. Every amendment is audited and kept as
a NoticeAmendment (field names, never values) that the settings concerned are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import force_locale, gettext, lazy_gettext
from pydantic import ValidationError
from sqlmodel import Session, col, select

from encompass.delivery import outbox
from encompass.lifecycles.alert import ALERT, AlertStatus
from encompass.lifecycles.review import REVIEW, ReviewStatus
from encompass.matching import Sibling
from encompass.matching.family import siblings_from
from encompass.models import Alert, Child, Notice, NoticeAmendment, ReviewItem
from encompass.notices.errors import NoticeError
from encompass.notices.schemas import (
    ChildCorrection,
    ChildIn,
    NoticeAmendmentIn,
)
from encompass.notices.service import (
    IntakeConfig,
    Placed,
    Resolved,
    place_children,
    prepare_children,
    resolve_one,
)
from encompass.notices.wording import field_errors, with_person
from encompass.records import audit

MAX_CHILDREN = 20
# What the matcher is told about a child: changing any of these re-resolves the child.
MATCH_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "date_of_birth",
        "unborn",
        "expected_date",
        "postcode",
        "address",
        "setting_urn",
    }
)
# A child's fields as a person reads them (amendments are shown by field name).
FIELD_WORDS = {
    "given_name": lazy_gettext("first name"),
    "family_name": lazy_gettext("last name"),
    "date_of_birth": lazy_gettext("date of birth"),
    "unborn": lazy_gettext("unborn"),
    "expected_date": lazy_gettext("expected date of birth"),
    "postcode": lazy_gettext("postcode"),
    "address": lazy_gettext("address"),
    "present": lazy_gettext("whether the child was present"),
    "where": lazy_gettext("where the child was"),
    "spoken_to": lazy_gettext("whether the child was spoken to"),
    "voice_of_child": lazy_gettext("the voice of the child"),
    "other_adult_present": lazy_gettext("whether another adult was with the child"),
    "setting_urn": lazy_gettext("setting URN"),
}


class AmendmentInvalid(NoticeError):
    """The amendment cannot be made as sent: per-field errors, as a 422 gives them."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Correction:
    child: Child
    data: ChildIn
    changed: list[str]
    # Set when the corrected child resolves elsewhere (another setting, or review).
    moves_to: Resolved | None = None


@dataclass
class Amended:
    notice: Notice
    added: list[Placed] = field(default_factory=list)
    amendments: list[NoticeAmendment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.amendments)


def current_children(session: Session, notice_id: int) -> list[Child]:
    """The notice's children as they stand (corrected rows, not the rows they replaced)."""
    return list(
        session.exec(
            select(Child)
            .where(Child.notice_id == notice_id, col(Child.superseded_at).is_(None))
            .order_by(col(Child.position))
        )
    )


def stored_child_body(child: Child) -> dict[str, Any]:
    """A stored child as the API's child body (what a correction is laid over)."""
    return {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "unborn": child.unborn,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        "age_years": child.age_years,
        "expected_date": child.expected_date.isoformat() if child.expected_date else None,
        "postcode": child.postcode or None,
        "address": child.address,
        "present": child.present,
        "where": child.where,
        "spoken_to": child.spoken_to,
        "voice_of_child": child.voice_of_child,
        "other_adult_present": child.other_adult_present,
        "setting_urn": child.officer_setting_urn,
    }


def _identity(body: dict[str, Any]) -> tuple[str, str, Any, Any, Any]:
    return (
        str(body["given_name"]).casefold(),
        str(body["family_name"]).casefold(),
        body["date_of_birth"],
        body["expected_date"],
        body.get("age_years"),
    )


def _merge(child: Child, given: dict[str, Any]) -> dict[str, Any]:
    merged = stored_child_body(child) | given
    # Changing unborn clears the date that no longer applies, unless it is given too.
    if given.get("unborn") is True and "date_of_birth" not in given:
        merged["date_of_birth"] = None
    # A date of birth replaces an age given for want of one, and the other way round.
    if given.get("unborn") is True or given.get("date_of_birth") is not None:
        merged["age_years"] = given.get("age_years")
    if given.get("age_years") is not None and "date_of_birth" not in given:
        merged["date_of_birth"] = None
    if given.get("unborn") is False and "expected_date" not in given:
        merged["expected_date"] = None
    return merged


def _check_correction(
    index: int, fix: ChildCorrection, by_id: dict[int, Child], now: datetime
) -> tuple[Correction | None, dict[str, list[str]]]:
    at = f"correct_children.{index}"
    child = by_id.get(fix.id)
    if child is None:
        return None, {f"{at}.id": [gettext("There is no child with this id on the notice")]}
    given = dict(fix.model_extra or {})
    unknown = [name for name in given if name not in ChildIn.model_fields]
    if unknown:
        return None, {f"{at}.{name}": [gettext("Unknown field")] for name in unknown}
    try:
        data = ChildIn.model_validate(_merge(child, given), context={"now": now})
    except ValidationError as exc:
        words = field_errors(exc)
        return None, {
            f"{at}.{k}": [
                with_person(gettext("Child %(number)d", number=child.position + 1), m) for m in v
            ]
            for k, v in words.items()
        }
    before = stored_child_body(child)
    after = data.model_dump(mode="json")
    changed = [name for name in ChildIn.model_fields if after[name] != before[name]]
    return Correction(child, data, changed), {}


def _check(
    session: Session, notice: Notice, data: NoticeAmendmentIn, now: datetime
) -> tuple[list[Correction], list[ChildIn]]:
    """The corrections that change something, and the children to add (not already on
    it); or AmendmentInvalid with every problem found."""
    assert notice.id is not None
    if notice.minimised_at is not None:
        raise AmendmentInvalid(
            {
                "body": [
                    gettext(
                        "This notice's personal details were removed (retention): it cannot "
                        "be amended"
                    )
                ]
            }
        )
    current = current_children(session, notice.id)
    by_id = {c.id: c for c in current if c.id is not None}
    errors: dict[str, list[str]] = {}
    corrections: list[Correction] = []
    seen: set[int] = set()
    for index, fix in enumerate(data.correct_children):
        if fix.id in seen:
            errors[f"correct_children.{index}.id"] = [gettext("This child is corrected twice")]
            continue
        seen.add(fix.id)
        correction, problems = _check_correction(index, fix, by_id, now)
        if fix.id not in by_id:
            problems = _replaced(session, notice.id, index, fix.id) or problems
        errors.update(problems)
        if correction is not None and correction.changed:
            corrections.append(correction)
    on_notice = {_identity(stored_child_body(c)): c for c in current}
    adding: list[ChildIn] = []
    for index, child_in in enumerate(data.add_children):
        body = child_in.model_dump(mode="json")
        same = on_notice.get(_identity(body))
        if same is None:
            adding.append(child_in)
        elif stored_child_body(same) != body:
            errors[f"add_children.{index}"] = [
                gettext(
                    "This child is already on the notice (child id %(id)s): correct their "
                    "details with correct_children",
                    id=same.id,
                )
            ]
        # The same child sent again as it stands: a retry, nothing to add.
    if len(current) + len(adding) > MAX_CHILDREN:
        errors["add_children"] = [
            gettext("A notice can have at most %(max)s children", max=MAX_CHILDREN)
        ]
    if errors:
        raise AmendmentInvalid(errors)
    return corrections, adding


def _replaced(
    session: Session, notice_id: int, index: int, child_id: int
) -> dict[str, list[str]] | None:
    """A correction to a row an earlier correction replaced: say which id to use now."""
    later = session.exec(
        select(NoticeAmendment.child_id).where(
            NoticeAmendment.notice_id == notice_id,
            NoticeAmendment.replaced_child_id == child_id,
        )
    ).first()
    if later is None:
        return None
    return {
        f"correct_children.{index}.id": [
            gettext(
                "This child's details were corrected before and the child now has id "
                "%(id)s: use that id",
                id=later,
            )
        ]
    }


def amend_notice(
    session: Session,
    notice: Notice,
    data: NoticeAmendmentIn,
    *,
    now: datetime,
    cfg: IntakeConfig,
    user_id: int | None = None,
) -> Amended:
    """Add and correct children on a stored notice (the caller commits)."""
    assert notice.id is not None
    corrections, adding = _check(session, notice, data, now)
    # Each child's brothers and sisters are the notice's other children as it will stand.
    everyone = _everyone(session, notice, corrections, adding)
    # Reads first (resolutions, recipients), as at intake.
    for fix in corrections:
        if MATCH_FIELDS.intersection(fix.changed):
            resolved = resolve_one(
                session,
                notice,
                fix.data,
                now=now,
                cfg=cfg,
                siblings=_others(everyone, ("row", fix.child.id or 0)),
            )
            if not _same_place(session, fix.child, resolved):
                fix.moves_to = resolved
    moving = [fix for fix in corrections if fix.moves_to is not None]
    prepared = prepare_children(
        session,
        notice,
        [f.data for f in moving] + adding,
        now=now,
        cfg=cfg,
        siblings=[_others(everyone, ("row", f.child.id or 0)) for f in moving]
        + [_others(everyone, ("new", n)) for n in range(len(adding))],
    )
    amended = Amended(notice)
    next_position = 1 + max(
        session.exec(select(Child.position).where(Child.notice_id == notice.id)).all(),
        default=-1,
    )
    placed = place_children(
        session,
        notice,
        [(f.child.position, f.data) for f in moving]
        + [(next_position + i, c) for i, c in enumerate(adding)],
        prepared,
        now=now,
        cfg=cfg,
    )
    moved, amended.added = placed[: len(moving)], placed[len(moving) :]
    for fix, new in zip(moving, moved, strict=True):
        _supersede(session, fix.child, now)
        amended.amendments.append(
            _amendment(notice, new.child, "corrected", fix.changed, now, user_id, fix.child)
        )
    for fix in corrections:
        if fix.moves_to is None:
            _correct_in_place(fix, now)
            session.add(fix.child)
            amended.amendments.append(
                _amendment(notice, fix.child, "corrected", fix.changed, now, user_id)
            )
    for p in amended.added:
        amended.amendments.append(_amendment(notice, p.child, "added", [], now, user_id))
    session.add_all(amended.amendments)
    if amended.changed:
        session.flush()
        audit.record(
            session,
            "notice.amended",
            force_id=notice.force_id,
            user_id=user_id,
            object_type="notice",
            object_id=notice.id,
            detail=describe(amended.amendments)[:500],
            at=now,
        )
    return amended


def _same_place(session: Session, child: Child, resolved: Resolved) -> bool:
    """The corrected child goes where the child already went: corrected in place. A child
    registered at two settings (dual registration) went to each: the same place is the
    same settings, every one already alerted."""
    if resolved.setting is None or child.setting_id is None:
        return False
    alerted = set(session.exec(select(Alert.setting_id).where(Alert.child_id == child.id)))
    settings = {s.id for s in (resolved.setting, *resolved.also)}
    return resolved.setting.id == child.setting_id and bool(alerted) and alerted == settings


def _correct_in_place(fix: Correction, now: datetime) -> None:
    child, data = fix.child, fix.data
    child.given_name = data.given_name
    child.family_name = data.family_name
    child.unborn = data.unborn
    child.date_of_birth = data.date_of_birth
    child.age_years = data.age_years
    child.expected_date = data.expected_date
    child.postcode = data.postcode or ""
    child.address = data.address
    child.present = data.present
    child.where = data.where
    child.spoken_to = data.spoken_to
    child.voice_of_child = data.voice_of_child
    child.other_adult_present = data.other_adult_present
    child.officer_setting_urn = data.setting_urn  # type: ignore[assignment]
    if fix.moves_to is None and MATCH_FIELDS.intersection(fix.changed):
        child.match_reason = f"corrected by the police {now:%Y-%m-%d}"[:200]


def _supersede(session: Session, child: Child, now: datetime) -> None:
    """The child's old row becomes history: its alerts stop (one at each setting told,
    for a child registered at two), its review closes."""
    child.superseded_at = now
    session.add(child)
    for alert in session.exec(select(Alert).where(Alert.child_id == child.id)).all():
        withdraw_alert(session, alert, now)
    REVIEW.move_all(
        session,
        ReviewStatus.RESOLVED,
        col(ReviewItem.child_id) == child.id,
        decision="withdrawn",
        resolved_at=now,
    )


def withdraw_alert(session: Session, alert: Alert, now: datetime) -> None:
    """Nothing more is sent or escalated about the alert; an acknowledgement stands."""
    assert alert.id is not None
    alert.withdrawn_at = now
    # An acknowledged alert stays acknowledged: the acknowledgement stands.
    ALERT.move(session, alert.id, AlertStatus.WITHDRAWN)
    alert.next_step_at = None
    alert.reminder_due_at = None
    alert.fence += 1  # a worker holding this alert's step now changes nothing
    session.add(alert)
    outbox.cancel_unsent(session, alert.id, now)


def _amendment(
    notice: Notice,
    child: Child,
    kind: str,
    changed: list[str],
    now: datetime,
    user_id: int | None,
    replaced: Child | None = None,
) -> NoticeAmendment:
    assert notice.id is not None and child.id is not None
    return NoticeAmendment(
        notice_id=notice.id,
        child_id=child.id,
        replaced_child_id=replaced.id if replaced is not None else None,
        kind=kind,
        fields=list(changed),
        at=now,
        force_id=notice.force_id,
        user_id=user_id,
    )


def changed_words(names: list[str]) -> str:
    """The changed fields in words, in the page's language."""
    return ", ".join(str(FIELD_WORDS.get(name, name)) for name in names)


def describe(amendments: list[NoticeAmendment]) -> str:
    """'child 3 added; child 1 corrected: date of birth, address' (no values, ever)."""
    parts = []
    with force_locale("en"):  # the audit trail is in English
        words = [changed_words(a.fields) for a in amendments]
    for a, changed in zip(amendments, words, strict=True):
        if a.kind == "added":
            parts.append(f"child id {a.child_id} added")
        else:
            parts.append(f"child id {a.child_id} corrected: {changed}")
    return "; ".join(parts)


def amendments_for_child(session: Session, child_id: int) -> list[NoticeAmendment]:
    """What the police changed about this child (as the child's row, or the row it
    replaced), oldest first: shown to the setting with the alert."""
    return list(
        session.exec(
            select(NoticeAmendment)
            .where(
                (col(NoticeAmendment.child_id) == child_id)
                | (col(NoticeAmendment.replaced_child_id) == child_id)
            )
            .order_by(col(NoticeAmendment.at), col(NoticeAmendment.id))
        )
    )


def notice_amendments(session: Session, notice_id: int) -> list[NoticeAmendment]:
    """Every change to the notice after it was sent, oldest first (the police's view)."""
    return list(
        session.exec(
            select(NoticeAmendment)
            .where(NoticeAmendment.notice_id == notice_id)
            .order_by(col(NoticeAmendment.at), col(NoticeAmendment.id))
        )
    )


def _everyone(
    session: Session, notice: Notice, corrections: list[Correction], adding: list[ChildIn]
) -> list[tuple[tuple[str, int], Any]]:
    """Every child on the notice as it will stand, each with a key: its current row (as
    corrected, where it is), and each child being added."""
    assert notice.id is not None
    corrected = {fix.child.id: fix.data for fix in corrections}
    rows = current_children(session, notice.id)
    return [(("row", c.id or 0), corrected.get(c.id, c)) for c in rows] + [
        (("new", n), c) for n, c in enumerate(adding)
    ]


def _others(
    everyone: list[tuple[tuple[str, int], Any]], key: tuple[str, int]
) -> tuple[Sibling, ...]:
    """The brothers and sisters of the child with this key: everyone else on the notice."""
    return siblings_from(c for k, c in everyone if k != key)
