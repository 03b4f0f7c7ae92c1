"""Opening, listing and deciding review items.

A child the matcher could not place with certainty (or found on no roll at school age)
gets a review item: the candidates it found with their scores and reasons, the council
whose coordinators decide, the child's deadline, and when to escalate. The council's
coordinators are told at once (a link only). A coordinator chooses a candidate or "not
on any roll"; the child's outcome changes (the police see it on the notice API) and the
alert goes out to the chosen setting, or to the council's fallback team.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.alerts.create import create_alert
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import coordinator_deputies, coordinators, languages_of
from encompass.calendar.setting_calendar import timing_for
from encompass.delivery.outbox import Outbox
from encompass.errors import Refused
from encompass.lifecycles.child import CHILD, placed
from encompass.lifecycles.review import REVIEW, ReviewStatus
from encompass.matching import Resolution
from encompass.matching.fallback import council_of, fallback_team
from encompass.models import Child, KeyAdult, Notice, Pupil, ReviewItem, Setting
from encompass.records import audit
from encompass.review.ask import ask_setting
from encompass.review.messages import escalation_email, escalation_sms, review_email, review_sms
from encompass.review.policy import ReviewPolicy

NOT_ON_ROLL = "not_on_roll"
# Settings a child goes to with outcome no_setting rather than matched.
TEAM_KINDS = ("fallback", "home_education")


class ReviewError(Refused):
    """The decision cannot be carried out; the message says why."""


def snapshot(session: Session, resolution: Resolution) -> list[dict[str, Any]]:
    out = []
    for candidate in resolution.candidates:
        pupil = session.get(Pupil, candidate.pupil_id)
        setting = session.get(Setting, candidate.setting_id)
        if pupil is None or setting is None:
            continue
        out.append(
            {
                "pupil_id": pupil.id,
                "setting_id": setting.id,
                "setting_urn": setting.urn,
                "setting_name": setting.name,
                "setting_kind": setting.kind,
                "given_name": pupil.given_name,
                "family_name": pupil.family_name,
                "date_of_birth": pupil.date_of_birth.isoformat(),
                "postcode": pupil.postcode,
                "address": pupil.address,
                "score": candidate.score,
                "weight": candidate.weight,
                "reasons": list(candidate.reasons),
            }
        )
    return out


def _tell(
    session: Session,
    item: ReviewItem,
    adults: list[KeyAdult],
    *,
    now: datetime,
    policy: AlertPolicy,
    escalation: bool,
) -> int:
    link = f"{policy.base_url}/review/{item.id}"
    reason = "review_escalation" if escalation else "review"
    out = Outbox(now)
    for adult in adults:
        # The coordinator's choice, else bilingual from a Welsh council (alerts/recipients.py).
        languages = languages_of(session, adult, None)
        sms = escalation_sms(link, languages) if escalation else review_sms(link, languages)
        email = escalation_email(link, languages) if escalation else review_email(link, languages)
        out.to_person(
            ("sms", "email"),
            phone=adult.phone,
            email=adult.email,
            texts=(sms, "", email),
            phone_due=policy.phone_due_at(now, item.due_by),
            key_adult_id=adult.id,
            reason=reason,
        )
    out.write(session)
    return len(adults)


def open_review(
    session: Session,
    child: Child,
    notice: Notice,
    resolution: Resolution,
    *,
    now: datetime,
    policy: AlertPolicy,
    review_policy: ReviewPolicy,
) -> ReviewItem:
    assert child.id is not None and notice.id is not None
    candidates = snapshot(session, resolution)
    la_code = council_of(session, child.postcode, notice.location_postcode)
    if la_code is None and candidates:
        best = session.get(Setting, candidates[0]["setting_id"])
        la_code = best.la_code if best is not None else None
    item = ReviewItem(
        child_id=child.id,
        notice_id=notice.id,
        la_code=la_code or "",
        reason=child.match_reason[:200],
        candidates=candidates,
        due_by=child.due_by,
        escalate_at=review_policy.escalate_at(now, child.due_by),
        created_at=now,
    )
    session.add(item)
    session.flush()
    told = _tell(
        session, item, coordinators(session, item.la_code), now=now, policy=policy, escalation=False
    )
    audit.record(
        session,
        "review.opened",
        object_type="review_item",
        object_id=item.id,
        detail=f"council {item.la_code or 'unknown'}; {len(candidates)} candidates; "
        f"{told} coordinators told",
        at=now,
    )
    # One strong candidate: its setting is asked at once (the coordinators still decide
    # if it does not answer, by the same deadline).
    ask_setting(session, item, now=now, policy=policy)
    return item


def items_in_scope(
    session: Session, la_code: str | None, *, status: str = ReviewStatus.OPEN
) -> list[ReviewItem]:
    """Open items, soonest deadline first; la_code None means every council (admins)."""
    query = select(ReviewItem).where(ReviewItem.status == status)
    if la_code is not None:
        query = query.where(ReviewItem.la_code == la_code)
    query = query.order_by(col(ReviewItem.due_by), col(ReviewItem.id))
    return list(session.exec(query).all())


def item_in_scope(session: Session, item_id: int, la_code: str | None) -> ReviewItem | None:
    item = session.get(ReviewItem, item_id)
    if item is None or (la_code is not None and item.la_code != la_code):
        return None
    return item


ANY_SETTING = "setting:"


def _destination(
    session: Session, item: ReviewItem, choice: str
) -> tuple[Setting, dict[str, Any] | None]:
    if choice == NOT_ON_ROLL:
        team = fallback_team(session, item.la_code) if item.la_code else None
        if team is None:
            raise ReviewError(
                _(
                    "Council %(council)s has no fallback team set up: add one (a setting of "
                    "kind fallback) before routing a child there",
                    council=item.la_code or _("(unknown)"),
                )
            )
        return team, None
    if choice.startswith(ANY_SETTING):
        found = (
            session.get(Setting, int(choice.removeprefix(ANY_SETTING) or 0))
            if (choice.removeprefix(ANY_SETTING).isdigit())
            else None
        )
        if found is None:
            raise ReviewError(_("That setting no longer exists: search for it again"))
        return found, None
    chosen = next((c for c in item.candidates if str(c["pupil_id"]) == choice), None)
    if chosen is None:
        raise ReviewError(
            _("Choose one of the pupils listed, a setting found by search, or not on any roll")
        )
    setting = session.get(Setting, chosen["setting_id"])
    if setting is None:
        raise ReviewError(_("That pupil's setting no longer exists"))
    return setting, chosen


def claim(session: Session, item: ReviewItem) -> None:
    assert item.id is not None
    if not REVIEW.move(session, item.id, ReviewStatus.RESOLVED):
        raise ReviewError(_("This child has already been decided"))
    session.refresh(item)


def place(
    session: Session,
    item: ReviewItem,
    setting: Setting,
    *,
    pupil_id: int | None,
    decision: str,
    reason: str,
    now: datetime,
    policy: AlertPolicy,
    school_day_start: str,
    user_id: int | None,
) -> Child:
    """Send the child of a claimed item to `setting`: outcome, deadline, alert."""
    child = session.get(Child, item.child_id)
    notice = session.get(Notice, item.notice_id)
    assert child is not None and notice is not None and setting.id is not None
    timing = timing_for(
        session,
        setting,
        occurred_at=notice.occurred_at,
        received_at=notice.received_at,
        tz=policy.tz,
        default_start=school_day_start,
    )
    assert child.id is not None
    CHILD.move(session, child.id, placed(setting.kind in TEAM_KINDS))
    child.setting_id = setting.id
    child.pupil_id = pupil_id
    child.match_reason = reason[:200]
    child.due_by = timing.due_by
    child.holiday_period, child.holiday_lead_up = timing.holiday_period, timing.holiday_lead_up
    session.add(child)
    item.resolved_at, item.resolved_by_user_id = now, user_id
    item.decision = decision
    item.decision_pupil_id = pupil_id
    item.decision_setting_id = setting.id
    session.add(item)
    session.flush()
    create_alert(session, child, setting, now=now, policy=policy)
    return child


def resolve_review(
    session: Session,
    item: ReviewItem,
    choice: str,
    *,
    user_id: int | None,
    now: datetime,
    policy: AlertPolicy,
    school_day_start: str,
    remote_addr: str = "",
) -> Child:
    """Carry out a coordinator's decision: a candidate's pupil id, "setting:<id>" (any
    setting, found by search), or NOT_ON_ROLL."""
    if item.status != ReviewStatus.OPEN:
        raise ReviewError(_("This child has already been decided"))
    setting, chosen = _destination(session, item, choice)
    claim(session, item)
    if chosen:
        decision, reason = "pupil", "chosen in review"
    elif choice == NOT_ON_ROLL:
        decision, reason = NOT_ON_ROLL, "not on any roll (review): the fallback team"
    else:
        decision, reason = "setting", "setting chosen in review"
    return settle(
        session,
        item,
        setting,
        chosen,
        decision=decision,
        reason=reason,
        user_id=user_id,
        now=now,
        policy=policy,
        school_day_start=school_day_start,
        remote_addr=remote_addr,
    )


def settle(
    session: Session,
    item: ReviewItem,
    setting: Setting,
    chosen: dict[str, Any] | None,
    *,
    decision: str,
    reason: str,
    user_id: int | None,
    now: datetime,
    policy: AlertPolicy,
    school_day_start: str,
    remote_addr: str = "",
) -> Child:
    """A claimed item decided: the child placed at the setting (the chosen candidate's
    pupil, if any) with its alert, the decision audited. The coordinator's decision and a
    setting's "our pupil" both end here."""
    # The other pupils' details are no longer needed here: keep only the one chosen.
    item.candidates = [chosen] if chosen else []
    child = place(
        session,
        item,
        setting,
        pupil_id=int(chosen["pupil_id"]) if chosen else None,
        decision=decision,
        reason=reason,
        now=now,
        policy=policy,
        school_day_start=school_day_start,
        user_id=user_id,
    )
    audit.record(
        session,
        "review.resolved",
        user_id=user_id,
        object_type="review_item",
        object_id=item.id,
        remote_addr=remote_addr,
        detail=f"{decision}: setting {setting.urn}",
        at=now,
    )
    return child


def escalate_due_reviews(session: Session, now: datetime, policy: AlertPolicy) -> int:
    """Tell the coordinator's deputies about open items nobody has decided by their time
    (the coordinators again when the council has no deputy). Each item once."""
    due = session.exec(
        select(ReviewItem.id).where(
            ReviewItem.status == ReviewStatus.OPEN,
            col(ReviewItem.escalated_at).is_(None),
            col(ReviewItem.escalate_at) <= now,
        )
    ).all()
    escalated = 0
    for item_id in due:
        claimed = session.execute(
            update(ReviewItem)
            .where(
                col(ReviewItem.id) == item_id,
                col(ReviewItem.status) == ReviewStatus.OPEN,
                col(ReviewItem.escalated_at).is_(None),
            )
            .values(escalated_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not claimed:
            continue
        item = session.get(ReviewItem, item_id)
        assert item is not None
        session.refresh(item)
        adults = coordinator_deputies(session, item.la_code) if item.la_code else []
        to = "deputies"
        if not adults and item.la_code:
            adults, to = coordinators(session, item.la_code), "coordinators (no deputy)"
        told = _tell(session, item, adults, now=now, policy=policy, escalation=True)
        audit.record(
            session,
            "review.escalated",
            object_type="review_item",
            object_id=item.id,
            detail=f"{told} {to} told",
            at=now,
        )
        escalated += 1
    return escalated
