"""Take in a validated notice: store it, resolve every child, create the alerts.

Every child ends in exactly one visible state: matched (alerted), review, or no_setting
(routed to a fallback team). Nothing is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from encompass.alerts.create import create_alerts
from encompass.alerts.ladder import ladder_for
from encompass.alerts.outgoing import Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import Recipients
from encompass.calendar.setting_calendar import Timing, timing_for
from encompass.lifecycles.child import ChildOutcome, arrival
from encompass.matching import ChildFacts, Resolution, Sibling, Verdict, resolve_child
from encompass.matching.fallback import route_to_fallback
from encompass.matching.family import siblings_from
from encompass.models import Alert, Child, Notice, Setting
from encompass.models.escalation import LadderStep
from encompass.notices.errors import NoticeError
from encompass.notices.schemas import ChildIn, NoticeIn
from encompass.records import audit
from encompass.review.policy import ReviewPolicy
from encompass.review.queue import open_review

# A child's outcome on arrival, from the matcher's verdict.
ARRIVALS = {
    Verdict.MATCHED: ChildOutcome.MATCHED,
    Verdict.REVIEW: ChildOutcome.REVIEW,
    Verdict.UNMATCHED: ChildOutcome.REVIEW,
    Verdict.NO_SETTING: ChildOutcome.NO_SETTING,
}


@dataclass
class Placed:
    """A child of a notice, and where it went: a setting (with its alert) or review."""

    child: Child
    setting: Setting | None
    resolution: Resolution
    alert: Alert | None = None
    # Dual registration: the alerts to the child's other settings.
    also_alerts: list[tuple[Setting, Alert]] = field(default_factory=list)


@dataclass
class Submission:
    notice: Notice
    created: bool  # False: the same force sent the same police_reference before
    children: list[Placed] = field(default_factory=list)


@dataclass(frozen=True)
class IntakeConfig:
    school_day_start: str
    alerts: AlertPolicy
    review: ReviewPolicy

    @property
    def tz(self) -> ZoneInfo:
        return self.alerts.tz


def find_notice(session: Session, force_id: int, police_reference: str) -> Notice | None:
    return session.exec(
        select(Notice).where(
            Notice.force_id == force_id, Notice.police_reference == police_reference
        )
    ).first()


def content_digest(data: NoticeIn) -> str:
    """The body as the schema reads it (normalised), as a digest: a retry has the same."""
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_notice(
    session: Session,
    force_id: int,
    data: NoticeIn,
    *,
    now: datetime,
    cfg: IntakeConfig,
    user_id: int | None = None,
) -> Submission:
    """Store the notice, resolve its children and alert their settings; or, when the force
    sent this police_reference before, the stored notice (created False) and nothing new.
    A different body under a reference already sent raises NoticeDiffers.

    Every child is resolved first (reads only); then the notice, the children, their
    alerts, and the alerts' links and messages are inserted a table at a time."""
    digest = content_digest(data)
    existing = find_notice(session, force_id, data.police_reference)
    if existing is not None:
        return _sent_before(existing, digest)
    prepared = prepare_children(session, data, data.children, now=now, cfg=cfg)
    try:
        with session.begin_nested():
            notice = _store(session, force_id, data, now, user_id, digest)
    except IntegrityError:
        # Another request stored the same reference between our check and insert.
        existing = find_notice(session, force_id, data.police_reference)
        if existing is None:
            raise
        return _sent_before(existing, digest)
    placed = place_children(
        session, notice, list(enumerate(data.children)), prepared, now=now, cfg=cfg
    )
    audit.record(
        session,
        "notice.received",
        force_id=force_id,
        user_id=user_id,
        object_type="notice",
        object_id=notice.id,
        detail=f"{len(data.children)} children",
        at=now,
    )
    return Submission(notice, created=True, children=placed)


class NoticeDiffers(NoticeError):
    """The force sent this police_reference before with a different body."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.police_reference)
        self.notice = notice


def _sent_before(existing: Notice, digest: str) -> Submission:
    # Notices stored before digests were kept have none: a resend of those stays a retry.
    if existing.content_digest and existing.content_digest != digest:
        raise NoticeDiffers(existing)
    return Submission(existing, created=False)


@dataclass
class Prepared:
    """What placing children needs, all read before the first write."""

    resolved: list[Resolved]
    recipients: Recipients
    ladders: dict[int | None, list[LadderStep]]  # by setting id


def prepare_children(
    session: Session,
    incident: Incident,
    children: Sequence[ChildIn],
    *,
    now: datetime,
    cfg: IntakeConfig,
    siblings: Sequence[tuple[Sibling, ...]] | None = None,
) -> Prepared:
    """Resolve each child and load who to tell (reads only). `siblings`: each child's
    brothers and sisters on the notice, where `children` are not all of them (an
    amendment); otherwise each child's are the others in `children`.

    On SQLite the first write takes the database's one write lock, which is then held to
    the commit, so everything that can be read before is read before."""
    resolved = [
        resolve_one(
            session,
            incident,
            child_in,
            now=now,
            cfg=cfg,
            siblings=siblings_of(n, children) if siblings is None else siblings[n],
        )
        for n, child_in in enumerate(children)
    ]
    settings = [s for r in resolved if r.setting is not None for s in (r.setting, *r.also)]
    recipients = Recipients(session).load(settings)
    ladders: dict[int | None, list[LadderStep]] = {s.id: ladder_for(session, s) for s in settings}
    return Prepared(resolved, recipients, ladders)


def place_children(
    session: Session,
    notice: Notice,
    children: Sequence[tuple[int, ChildIn]],
    prepared: Prepared,
    *,
    now: datetime,
    cfg: IntakeConfig,
) -> list[Placed]:
    """Store the children (at their positions) and send each where it resolved: an alert
    to its setting, or the review queue."""
    placed = [
        Placed(_child(notice, position, child_in, r, now), r.setting, r.resolution)
        for (position, child_in), r in zip(children, prepared.resolved, strict=True)
    ]
    session.add_all([p.child for p in placed])
    session.flush()
    alerted = [p for p in placed if p.setting is not None]
    # Dual registration: the child's other settings are told too, each with its own
    # alert. Every alert has the child's due_by (worked out for its first setting): the
    # duty is the same for each, before the next school day.
    also = [
        (p, other)
        for p, r in zip(placed, prepared.resolved, strict=True)
        if p.setting is not None
        for other in r.also
    ]
    out = Outgoing(now, cfg.alerts)
    alerts = create_alerts(
        session,
        [(p.child, p.setting) for p in alerted if p.setting is not None]
        + [(p.child, other) for p, other in also],
        now=now,
        policy=cfg.alerts,
        recipients=prepared.recipients,
        ladders=prepared.ladders,
        out=out,
    )
    for p, alert in zip(alerted, alerts[: len(alerted)], strict=True):
        p.alert = alert
    for (p, other), alert in zip(also, alerts[len(alerted) :], strict=True):
        p.also_alerts.append((other, alert))
    out.write(session)
    for p in placed:
        if p.setting is None:
            open_review(
                session,
                p.child,
                notice,
                p.resolution,
                now=now,
                policy=cfg.alerts,
                review_policy=cfg.review,
            )
    return placed


def _store(
    session: Session,
    force_id: int,
    data: NoticeIn,
    now: datetime,
    user_id: int | None,
    digest: str,
) -> Notice:
    notice = Notice(
        force_id=force_id,
        police_reference=data.police_reference,
        occurred_at=data.occurred_at,
        received_at=now,
        location_postcode=data.location_postcode,
        circumstances=data.circumstances,
        risk_level=data.risk_level,
        officer_name=data.officer.name,
        officer_collar_number=data.officer.collar_number,
        officer_contact_phone=data.officer.contact_phone,
        adults=[a.model_dump() for a in data.adults],
        submitted_by_user_id=user_id,
        content_digest=digest,
    )
    session.add(notice)
    session.flush()
    return notice


@dataclass(frozen=True)
class Resolved:
    """Where a child goes, worked out before anything is written."""

    resolution: Resolution
    outcome: ChildOutcome
    reason: str
    setting: Setting | None
    timing: Timing
    # Dual registration: the child's other settings, told too (matched only).
    also: tuple[Setting, ...] = ()


def siblings_of(n: int, children: Sequence[ChildIn]) -> tuple[Sibling, ...]:
    """The other children on the notice, as the matcher is told of them."""
    return siblings_from(c for i, c in enumerate(children) if i != n)


def child_facts(data: ChildIn, siblings: tuple[Sibling, ...] = ()) -> ChildFacts:
    """What the matcher is told about a child on a notice."""
    return ChildFacts(
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        postcode=data.postcode,
        age_years=data.age_years,
        setting_urn=data.setting_urn,  # type: ignore[arg-type]
        unborn=data.unborn,
        address=data.address,
        siblings=siblings,
    )


class Incident(Protocol):
    """Where and when: all a child's resolution needs of its notice (sent or stored)."""

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def location_postcode(self) -> str: ...


def resolve_one(
    session: Session,
    notice: Incident,
    data: ChildIn,
    *,
    now: datetime,
    cfg: IntakeConfig,
    siblings: tuple[Sibling, ...] = (),
) -> Resolved:
    """Resolve the child and work out its setting and deadline (reads only). `siblings`:
    the other children on the notice."""
    facts = child_facts(data, siblings)
    resolution = resolve_child(session, facts, today=now.astimezone(cfg.tz).date())
    setting_id, reason = resolution.setting_id, resolution.reason
    # Not on any roll is never the end of it: a person in the review queue decides.
    outcome = ARRIVALS[resolution.outcome]
    if outcome == ChildOutcome.NO_SETTING and setting_id is None:
        # Unborn, or under school age on no roll: the council's fallback team.
        team = route_to_fallback(session, data.postcode, notice.location_postcode)
        if team is None:
            outcome = ChildOutcome.REVIEW
            reason += "; no fallback team for the child's council"
        else:
            setting_id = team.id
    setting = session.get(Setting, setting_id) if setting_id else None
    timing = timing_for(
        session,
        setting,
        occurred_at=notice.occurred_at,
        received_at=now,
        tz=cfg.tz,
        default_start=cfg.school_day_start,
    )
    also = tuple(
        other
        for other in (session.get(Setting, i) for i in resolution.also_settings)
        if other is not None and setting is not None and outcome == ChildOutcome.MATCHED
    )
    return Resolved(resolution, outcome, reason, setting, timing, also)


def _child(
    notice: Notice, position: int, data: ChildIn, resolved: Resolved, now: datetime
) -> Child:
    assert notice.id is not None
    setting, timing = resolved.setting, resolved.timing
    return Child(
        notice_id=notice.id,
        position=position,
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        age_years=data.age_years,
        unborn=data.unborn,
        expected_date=data.expected_date,
        postcode=data.postcode or "",
        address=data.address,
        present=data.present,
        where=data.where,
        spoken_to=data.spoken_to,
        voice_of_child=data.voice_of_child,
        other_adult_present=data.other_adult_present,
        officer_setting_urn=data.setting_urn,  # type: ignore[arg-type]
        **arrival(resolved.outcome),
        setting_id=setting.id if setting else None,
        pupil_id=resolved.resolution.pupil_id,
        match_reason=resolved.reason[:200],
        due_by=timing.due_by,
        holiday_period=timing.holiday_period,
        holiday_lead_up=timing.holiday_lead_up,
        created_at=now,
    )
