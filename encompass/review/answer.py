"""A setting's answer to an ask (review/ask.py).

"Our pupil": the review item resolves to that setting exactly as a coordinator's decision
does (review/queue.py `claim` and `place`: the child's outcome, its deadline, the alert
and its ladder), recorded as confirmed by the setting. "Not ours": the item stays with
the coordinator, that setting ruled out (it is not asked again about this child). Each
answer is audited; an ask is answered once, and not after the item was decided.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col

from encompass.alerts.policy import AlertPolicy
from encompass.lifecycles.review import ReviewStatus
from encompass.models import Child, ReviewAsk, ReviewItem, Setting
from encompass.records import audit
from encompass.review.ask import NO, YES
from encompass.review.queue import ReviewError, claim, settle

CONFIRMED = "confirmed_by_setting"


class AskAnswered(ReviewError):
    """The ask was answered already, or the child decided meanwhile."""


def answer_ask(
    session: Session,
    ask: ReviewAsk,
    answer: str,
    *,
    user_id: int | None,
    now: datetime,
    policy: AlertPolicy,
    school_day_start: str,
    remote_addr: str = "",
) -> Child | None:
    """Record the DSL's answer; on "yes" the child goes to the setting (returned)."""
    assert answer in (YES, NO) and ask.id is not None
    item = session.get(ReviewItem, ask.review_item_id)
    setting = session.get(Setting, ask.setting_id)
    assert item is not None and setting is not None
    if item.status != ReviewStatus.OPEN:
        raise AskAnswered(_("This child has already been decided: nothing more is needed"))
    answered = session.execute(
        update(ReviewAsk)
        .where(col(ReviewAsk.id) == ask.id, col(ReviewAsk.answered_at).is_(None))
        .values(answered_at=now, answer=answer, answered_by_user_id=user_id)
    ).rowcount  # type: ignore[attr-defined]
    if not answered:
        raise AskAnswered(_("This question has already been answered"))
    session.refresh(ask)
    audit.record(
        session,
        "review.ask_answered",
        user_id=user_id,
        object_type="review_item",
        object_id=item.id,
        remote_addr=remote_addr,
        detail=f"{'our pupil' if answer == YES else 'not ours'}: setting {setting.urn}",
        at=now,
    )
    if answer == NO:
        return None
    claim(session, item)
    chosen = next(
        (c for c in item.candidates if int(c["pupil_id"]) == ask.pupil_id),
        {"pupil_id": ask.pupil_id},
    )
    return settle(
        session,
        item,
        setting,
        chosen,
        decision=CONFIRMED,
        reason="confirmed by the setting when asked",
        user_id=user_id,
        now=now,
        policy=policy,
        school_day_start=school_day_start,
        remote_addr=remote_addr,
    )
