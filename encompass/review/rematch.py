"""After a roll import: the matcher learns its weights again, and every open review item
is resolved again against the new rolls.

A child now placed with certainty (newly on a roll, or no longer close to a rival) is
matched at once: its outcome changes, the alert goes to its setting, and the item is
closed with the reason and the evidence kept on it, so a coordinator sees why. Any other
open item gets the candidates and reason the engine now gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from encompass.alerts.policy import AlertPolicy
from encompass.lifecycles.review import ReviewStatus
from encompass.matching import ChildFacts, Verdict, resolve_child
from encompass.matching.family import siblings_from
from encompass.matching.learn import learn_weights
from encompass.models import Child, ReviewItem, Setting
from encompass.records import audit
from encompass.review.queue import ReviewError, claim, place, snapshot


@dataclass(frozen=True)
class Rematched:
    matched: int = 0
    still_open: int = 0


@dataclass(frozen=True)
class RematchPolicy:
    """What re-resolving an open item needs to place a child: the alerts' policy and the
    default start of the school day."""

    alerts: AlertPolicy
    school_day_start: str


def after_roll_import(session: Session, policy: RematchPolicy, *, now: datetime) -> Rematched:
    """Learn the weights from the new rolls and the notices seen; re-resolve open items."""
    learn_weights(session, now=now)
    return rematch_open_reviews(
        session, now=now, policy=policy.alerts, school_day_start=policy.school_day_start
    )


def _facts(session: Session, child: Child) -> ChildFacts:
    # The other children on the notice as it stands: not this child's own earlier rows
    # (an amended child keeps its position) nor anyone's superseded ones.
    others = session.exec(
        select(Child).where(
            Child.notice_id == child.notice_id,
            Child.position != child.position,
            col(Child.superseded_at).is_(None),
        )
    ).all()
    return ChildFacts(
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        postcode=child.postcode or None,
        setting_urn=child.officer_setting_urn,
        unborn=child.unborn,
        address=child.address,
        siblings=siblings_from(others),
        age_years=child.age_years,
    )


def rematch_open_reviews(
    session: Session, *, now: datetime, policy: AlertPolicy, school_day_start: str
) -> Rematched:
    items = session.exec(
        select(ReviewItem)
        .where(ReviewItem.status == ReviewStatus.OPEN)
        .order_by(col(ReviewItem.id))
    ).all()
    today = now.astimezone(policy.tz).date()
    matched = still_open = 0
    for item in items:
        child = session.get(Child, item.child_id)
        if child is None or child.unborn:
            continue
        result = resolve_child(session, _facts(session, child), today=today)
        setting = session.get(Setting, result.setting_id) if result.setting_id else None
        if setting is None or result.outcome not in (Verdict.MATCHED, Verdict.NO_SETTING):
            item.candidates = snapshot(session, result)
            item.reason = result.reason[:200]
            session.add(item)
            still_open += 1
            continue
        try:
            claim(session, item)
        except ReviewError:
            continue  # decided by a coordinator meanwhile
        item.candidates = snapshot(session, result)
        item.reason = f"matched after a roll import: {result.reason}"[:200]
        item.la_code = item.la_code or setting.la_code
        place(
            session,
            item,
            setting,
            pupil_id=result.pupil_id,
            decision="roll_import",
            reason=f"matched after a roll import ({result.score:.1%} certain)",
            now=now,
            policy=policy,
            school_day_start=school_day_start,
            user_id=None,
        )
        audit.record(
            session,
            "review.rematched",
            object_type="review_item",
            object_id=item.id,
            detail=f"roll import: setting {setting.urn}, probability {result.score:.3f}",
            at=now,
        )
        matched += 1
    session.flush()
    return Rematched(matched, still_open)
