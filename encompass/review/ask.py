"""Ask the setting, at once: a child in review whose best candidate is strong enough is put
to that setting's DSL straight away.

A review item whose candidates hold one pupil with probability at least ASK_FLOOR, and no
pupil at another setting above the review level (REVIEW_PROBABILITY), is asked of that
pupil's setting as it opens: its DSLs (and deputies) get an SMS and an e-mail with the
setting's name, the deadline and a link (nothing about the child). After signing in, the
DSL sees the child's name and date of birth beside the pupil on their roll and answers
(review/answer.py). The coordinators are told as before, and the item keeps its
deadline and its escalation: an ask never delays the coordinator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import Recipients
from encompass.delivery.outbox import Outbox
from encompass.language.choice import message_languages
from encompass.matching.resolve import REVIEW_PROBABILITY
from encompass.models import ReviewAsk, ReviewItem, Setting
from encompass.records import audit
from encompass.review.ask_messages import ask_email, ask_sms

# The floor a candidate's probability must reach for its setting to be asked. Measured
# with bench/matching_vs_splink.py on the review-bound children of seven error models
# (docs/benchmarks.md, "Asking the setting"; 2026-12-06): at 0.8, 355 asks, 15 wrong
# (8 of them on the county model, all but one a child on no roll with a namesake); at
# 0.9, 319 asks, 7 wrong, 28 right asks fewer; at 0.5, 500 asks, 47 wrong (35 on
# county). A wrong ask shows a name and date of birth to another setting (the DSL
# answers "not ours"), so the floor is the highest that keeps nearly every right ask.
ASK_FLOOR = 0.8
# Who at the setting is asked: its DSLs and their deputies.
ASKED_ROLES = ("dsl", "deputy")
# Settings that are not a roll of pupils: never asked.
NOT_ASKED_KINDS = ("fallback", "home_education")

YES, NO = "yes", "no"


def ask_candidate(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one candidate worth asking its setting about, or None: the best pupil at
    ASK_FLOOR or more, and no pupil at another setting above the review level."""
    if not candidates:
        return None
    best = max(candidates, key=lambda c: float(c["score"]))
    if float(best["score"]) < ASK_FLOOR or best.get("setting_kind") in NOT_ASKED_KINDS:
        return None
    rivals = [
        c
        for c in candidates
        if c["setting_id"] != best["setting_id"] and float(c["score"]) > REVIEW_PROBABILITY
    ]
    return None if rivals else best


def ask_setting(
    session: Session, item: ReviewItem, *, now: datetime, policy: AlertPolicy
) -> ReviewAsk | None:
    """Ask the best candidate's setting, if the item has one worth asking and someone at
    that setting to ask; the SMS and e-mail go through the outbox."""
    chosen = ask_candidate(item.candidates)
    if chosen is None or item.id is None:
        return None
    setting = session.get(Setting, chosen["setting_id"])
    if setting is None:
        return None
    recipients = Recipients(session).load([setting])
    adults = [a for role in ASKED_ROLES for a in recipients.in_role(setting, role)]
    if not adults or ruled_out(session, item.id, setting.id):
        return None
    ask = ReviewAsk(
        review_item_id=item.id,
        setting_id=chosen["setting_id"],
        pupil_id=int(chosen["pupil_id"]),
        asked_at=now,
    )
    session.add(ask)
    session.flush()
    link = f"{policy.base_url}/dsl/asks/{ask.id}"
    out = Outbox(now)
    for adult in adults:
        languages = message_languages(adult.language, setting.nation, setting.message_language)
        out.to_person(
            ("sms", "email"),
            phone=adult.phone,
            email=adult.email,
            texts=(
                ask_sms(setting.short_name, item.due_by, policy.tz, link, languages),
                "",
                ask_email(setting.short_name, item.due_by, policy.tz, link, languages),
            ),
            phone_due=policy.phone_due_at(now, item.due_by),
            key_adult_id=adult.id,
            reason="review_ask",
        )
    out.write(session)
    audit.record(
        session,
        "review.asked",
        object_type="review_item",
        object_id=item.id,
        detail=f"setting {setting.urn} asked (probability {float(chosen['score']):.3f}); "
        f"{len(adults)} Key Adults told",
        at=now,
    )
    return ask


def ruled_out(session: Session, item_id: int, setting_id: int | None) -> bool:
    """Whether this setting was asked about this child already (asked once only)."""
    return (
        session.exec(
            select(ReviewAsk.id).where(
                ReviewAsk.review_item_id == item_id, ReviewAsk.setting_id == setting_id
            )
        ).first()
        is not None
    )


def asks_for(session: Session, item_id: int) -> list[ReviewAsk]:
    """Every ask about a review item, oldest first."""
    return list(
        session.exec(
            select(ReviewAsk)
            .where(ReviewAsk.review_item_id == item_id)
            .order_by(col(ReviewAsk.asked_at), col(ReviewAsk.id))
        )
    )


def ask_for_reader(session: Session, ask_id: int, settings: list[int]) -> ReviewAsk | None:
    """An ask only through the reader's settings: another setting's is not found."""
    if not settings:
        return None
    return session.exec(
        select(ReviewAsk).where(ReviewAsk.id == ask_id, col(ReviewAsk.setting_id).in_(settings))
    ).first()
