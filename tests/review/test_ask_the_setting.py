"""Ask the setting, at once: a child in review with one strong candidate is put to that
setting's DSL, who answers "our pupil" (the alert opens) or "not ours" (back to the
coordinator, that setting ruled out). Through the web pages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child, Delivery, ReviewAsk, ReviewItem
from encompass.review.ask import ASK_FLOOR, ask_candidate
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
    submit_notice,
)
from tests.helpers import csrf_token, sign_in

COORDINATOR = "claire.booth@york.example.gov.uk"
HELEN = "helen.carter@school.example.org"
MARK = "mark.evans@school.example.org"
# Amelia moved (a new address in another postcode) and the officer wrote her birthday a
# month out: one strong candidate, Amelia Brown at St Wilfrid's, but not certain enough.
MOVED = {"postcode": "YO24 1AB", "address": "3 Acomb Road", "date_of_birth": "2019-05-03"}
AMELIA = notice_body(child=MOVED)["children"][0]
BROTHER = {
    **AMELIA,
    "given_name": "Zebedee",
    "family_name": "Quixley",
    "date_of_birth": "2017-01-09",
}


@pytest.fixture
def app(make_app):
    return make_app(TOTP_REQUIRED_ROLES="")


@pytest.fixture
def york(db):
    wilfrids = create_setting(db)
    clifton = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_key_adult(db, wilfrids, name="Helen Carter")
    create_key_adult(db, clifton, name="Mark Evans", phone="+447911100011")
    create_key_adult(
        db,
        None,
        role="coordinator",
        name="Claire Booth",
        email=COORDINATOR,
        phone="+447911100099",
        la_code="816",
    )
    amelia = create_pupil(db, wilfrids)
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    create_user(db, HELEN, "dsl", setting_urn=wilfrids.urn)
    create_user(db, MARK, "dsl", setting_urn=clifton.urn)
    _, key = create_force(db)
    return {"key": key, "wilfrids": wilfrids, "clifton": clifton, "amelia": amelia}


def only(db, model):
    return db.exec(select(model)).one()


def answer(client, ask_id: int, value: str):
    page = client.get(f"/dsl/asks/{ask_id}")
    assert page.status_code == 200
    return client.post(
        f"/dsl/asks/{ask_id}",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "answer": value},
    )


def test_a_child_with_one_strong_candidate_is_asked_of_its_setting_at_once(client, db, york):
    notice = submit_notice(client, york["key"], child=MOVED)

    assert notice["children"][0]["outcome"] == "review"
    item = only(db, ReviewItem)
    ask = only(db, ReviewAsk)
    assert (ask.review_item_id, ask.setting_id, ask.pupil_id) == (
        item.id,
        york["wilfrids"].id,
        york["amelia"].id,
    )
    assert ask.answer == "" and ask.answered_at is None
    messages = db.exec(select(Delivery).where(Delivery.reason == "review_ask")).all()
    assert {(m.channel, m.to_address) for m in messages} == {
        ("sms", "+447911100001"),
        ("email", HELEN),
    }
    sms = next(m for m in messages if m.channel == "sms")
    assert sms.body.startswith(
        "Operation Encompass: please confirm whether a child attends St Wilfrid's"
    )
    for message in messages:
        assert f"/dsl/asks/{ask.id}" in message.body
        for personal in ("Amelia", "Brown", "2019", "Acomb", "YO24", "Low Street"):
            assert personal not in message.body + message.subject
    # The coordinator is told as before, and the deadline and escalation are unchanged.
    assert db.exec(select(Delivery).where(Delivery.reason == "review")).all()
    child = db.get(Child, item.child_id)
    assert item.due_by == child.due_by and item.escalate_at is not None
    assert "review.asked" in {e.action for e in db.exec(select(AuditEvent))}


def test_the_dsl_sees_only_the_name_and_date_of_birth_beside_their_pupil(client, db, york):
    submit_notice(client, york["key"], children=[AMELIA, BROTHER])
    ask = only(db, ReviewAsk)
    sign_in(client, HELEN)

    page = client.get(f"/dsl/asks/{ask.id}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Amelia Brown" in html
    assert "3 May 2019" in html  # the notice's date
    assert "3 April 2019" in html and "12 Low Street" in html  # the pupil on the roll
    for secret in (
        "Verbal argument",  # circumstances
        "neighbours",
        "Acomb",  # the address on the notice
        "YO24",
        "scared",  # the voice of the child
        "Zebedee",  # another child on the notice
        "Quixley",
        "Sam",  # an adult
        "PC Jane Doe",
        "NY-2026-004211",
        "medium",
    ):
        assert secret not in html, secret
    assert "review.ask_viewed" in {e.action for e in db.exec(select(AuditEvent))}


def test_our_pupil_opens_the_alert_with_the_original_deadline(client, db, york):
    submit_notice(client, york["key"], child=MOVED)
    item, ask = only(db, ReviewItem), only(db, ReviewAsk)
    due_by = item.due_by
    sign_in(client, HELEN)

    response = answer(client, ask.id, "yes")

    alert = only(db, Alert)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/alerts/{alert.id}")
    assert alert.setting_id == york["wilfrids"].id and alert.due_by == due_by
    assert alert.ladder and alert.step_index == 1
    db.refresh(item)
    db.refresh(ask)
    assert (item.status, item.decision, item.decision_setting_id, item.decision_pupil_id) == (
        "resolved",
        "confirmed_by_setting",
        york["wilfrids"].id,
        york["amelia"].id,
    )
    assert (ask.answer, ask.answered_by_user_id is not None) == ("yes", True)
    child = db.get(Child, item.child_id)
    assert (child.outcome, child.setting_id, child.due_by) == ("matched", alert.setting_id, due_by)
    assert db.exec(select(Delivery).where(Delivery.alert_id == alert.id)).all()
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.index("review.ask_answered") < actions.index("review.resolved")
    # The alert page opens for the DSL, who can acknowledge it.
    assert client.get(f"/alerts/{alert.id}").status_code == 200
    # A second answer changes nothing.
    again = client.post(f"/dsl/asks/{ask.id}", data={"answer": "no"})
    assert again.status_code in (400, 409)

    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)
    assert "Confirmed by the setting" in html and "“our pupil”" in html


def test_not_ours_returns_the_child_to_the_coordinator_with_the_setting_ruled_out(client, db, york):
    submit_notice(client, york["key"], child=MOVED)
    item, ask = only(db, ReviewItem), only(db, ReviewAsk)
    sign_in(client, HELEN)

    response = answer(client, ask.id, "no")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dsl/")
    db.refresh(item)
    db.refresh(ask)
    assert item.status == "open" and ask.answer == "no"
    assert db.exec(select(Alert)).all() == []
    # Nothing more of the child once answered.
    html = client.get(f"/dsl/asks/{ask.id}").get_data(as_text=True)
    assert "not your pupil" in html and 'value="yes"' not in html

    sign_in(client, COORDINATOR)
    page = client.get(f"/review/{item.id}").get_data(as_text=True)
    assert "Ruled out" in page and "“not ours”" in page and "St Wilfrid" in page
    assert "review.ask_answered" in {e.action for e in db.exec(select(AuditEvent))}


def test_an_unanswered_ask_is_on_the_coordinators_page_and_they_can_still_decide(client, db, york):
    submit_notice(client, york["key"], child=MOVED)
    item, ask = only(db, ReviewItem), only(db, ReviewAsk)
    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)
    assert "No answer yet" in html

    client.post(
        f"/review/{item.id}",
        data={"csrf_token": csrf_token(html), "choice": str(york["amelia"].id)},
    )

    db.refresh(item)
    assert (item.status, item.decision) == ("resolved", "pupil")
    sign_in(client, HELEN)
    late = client.get(f"/dsl/asks/{ask.id}").get_data(as_text=True)
    assert "already decided" in late and 'value="yes"' not in late
    refused = client.post(f"/dsl/asks/{ask.id}", data={"answer": "yes"})
    assert refused.status_code in (400, 409)


def test_another_settings_dsl_cannot_see_the_ask(client, db, york):
    submit_notice(client, york["key"], child=MOVED)
    ask = only(db, ReviewAsk)
    sign_in(client, MARK)

    assert client.get(f"/dsl/asks/{ask.id}").status_code == 404
    token = csrf_token(client.get("/dsl/").get_data(as_text=True))
    posted = client.post(f"/dsl/asks/{ask.id}", data={"answer": "yes", "csrf_token": token})
    assert posted.status_code == 404
    sign_in(client, COORDINATOR)
    assert client.get(f"/dsl/asks/{ask.id}").status_code == 403


def test_an_ask_needs_sign_in(client, db, york):
    submit_notice(client, york["key"], child=MOVED)
    ask = only(db, ReviewAsk)

    response = client.get(f"/dsl/asks/{ask.id}")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_ask_page_is_in_welsh(client, db, york):
    from tests.language.welsh_page import english_left

    submit_notice(client, york["key"], child=MOVED)
    ask = only(db, ReviewAsk)
    sign_in(client, HELEN)

    html = client.get(f"/dsl/asks/{ask.id}?lang=cy").get_data(as_text=True)

    allowed = ("Amelia Brown", "12 Low Street", "YO1 7HH", "St Wilfrid's RC Primary School")
    assert english_left(html, allowed=allowed) == []


def test_a_welsh_setting_is_asked_in_welsh_first(client, db, york):
    york["wilfrids"].nation = "wales"
    db.add(york["wilfrids"])
    db.commit()

    submit_notice(client, york["key"], child=MOVED)

    sms = db.exec(
        select(Delivery).where(Delivery.reason == "review_ask", Delivery.channel == "sms")
    ).one()
    assert sms.body.startswith("Ymgyrch Encompass: cadarnhewch a yw plentyn yn mynychu")
    assert "Please confirm" in sms.body and "Mewngofnodi / Sign in:" in sms.body


def c(score: float, setting_id: int, pupil_id: int = 1) -> dict:
    return {"score": score, "setting_id": setting_id, "pupil_id": pupil_id, "setting_kind": ""}


def test_only_one_strong_candidate_with_no_rival_elsewhere_is_asked():
    assert ask_candidate([c(ASK_FLOOR, 1)]) is not None
    assert ask_candidate([c(ASK_FLOOR - 0.01, 1)]) is None
    assert ask_candidate([c(0.9, 1), c(0.04, 2)]) is not None  # below the review level
    assert ask_candidate([c(0.9, 1), c(0.06, 2)]) is None  # a rival at another setting
    assert ask_candidate([c(0.9, 1), c(0.09, 1, 2)]) is not None  # same setting
    assert ask_candidate([{**c(0.95, 1), "setting_kind": "home_education"}]) is None
    assert ask_candidate([]) is None


def test_no_ask_when_the_child_is_unlikely(client, db, york):
    submit_notice(client, york["key"], child={**MOVED, "given_name": "Emilia"})

    assert only(db, ReviewItem).status == "open"
    assert db.exec(select(ReviewAsk)).all() == []


def test_an_unanswered_ask_does_not_delay_the_escalation(app, client, db, york):
    from encompass.policies import policies
    from encompass.review.queue import escalate_due_reviews

    create_key_adult(
        db, None, role="coordinator_deputy", name="Dev Shah", phone="+447911100098", la_code="816"
    )
    submit_notice(client, york["key"], child=MOVED)
    item = only(db, ReviewItem)
    assert only(db, ReviewAsk).answered_at is None

    with app.app_context():
        escalated = escalate_due_reviews(db, item.escalate_at, policies().alerts)

    assert escalated == 1
    to_deputy = db.exec(select(Delivery).where(Delivery.reason == "review_escalation")).all()
    assert "+447911100098" in {d.to_address for d in to_deputy}
