"""The review queue through the web pages: a coordinator sees why, decides, the alert goes out."""

import re

import pytest
from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child, Delivery, ReviewItem
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    submit_notice,
)
from tests.helpers import csrf_token, sign_in

COORDINATOR = "claire.booth@york.example.gov.uk"


@pytest.fixture
def app(make_app):
    """Coordinators sign in with an authenticator app as well (tested on its own); here
    the password is enough."""
    return make_app(TOTP_REQUIRED_ROLES="")


@pytest.fixture
def york(db):
    """Twins Alexander and Alexandra Brown at two York schools; a notice names "Alex"."""
    wilfrids = create_setting(db)
    clifton = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_key_adult(db, wilfrids, name="Helen Carter")
    create_key_adult(db, clifton, name="Mark Evans", phone="+447911100011")
    team = create_setting(db, urn="900816", name="York Early Help", kind="fallback")
    create_key_adult(db, team, name="Duty Team", phone="+447911100041")
    create_key_adult(
        db,
        None,
        role="coordinator",
        name="Claire Booth",
        email=COORDINATOR,
        phone="+447911100099",
        la_code="816",
    )
    alexander = create_pupil(db, wilfrids, given_name="Alexander")
    alexandra = create_pupil(db, clifton, given_name="Alexandra")
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    create_user(db, "coordinator@leeds.example.gov.uk", "coordinator", la_code="383")
    _, key = create_force(db)
    return {
        "key": key,
        "alexander": alexander,
        "alexandra": alexandra,
        "clifton": clifton,
        "team": team,
    }


def submit(client, york, **child):
    return submit_notice(client, york["key"], child={"given_name": "Alex", **child})


def only_item(db) -> ReviewItem:
    return db.exec(select(ReviewItem)).one()


def test_it_puts_a_doubtful_child_in_the_queue_and_tells_the_coordinator_by_link(client, db, york):
    notice = submit(client, york)

    assert notice["children"][0]["outcome"] == "review"
    item = only_item(db)
    assert (item.la_code, item.status, len(item.candidates)) == ("816", "open", 2)
    assert item.due_by == db.get(Child, item.child_id).due_by
    messages = db.exec(select(Delivery).where(Delivery.reason == "review")).all()
    assert {m.channel for m in messages} == {"sms", "email"}
    assert {m.to_address for m in messages} == {COORDINATOR, "+447911100099"}
    for message in messages:
        assert f"/review/{item.id}" in message.body
        for personal in ("Alex", "Brown", "2019", "Low Street", "YO1"):
            assert personal not in message.body + message.subject


def test_it_shows_the_coordinator_the_candidates_and_why_then_sends_the_alert(client, db, york):
    notice = submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)

    queue = client.get("/review/")
    assert queue.status_code == 200
    assert f'href="/review/{item.id}"' in queue.get_data(as_text=True)

    page = client.get(f"/review/{item.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Alexandra Brown" in html and "Alexander Brown" in html
    assert "Clifton Green Primary School" in html
    assert "Probability that this is the child: 50%" in html
    # The evidence in plain words, not weights.
    assert "Why: Alex is a form of Alexandra; same surname; same date of birth" in html
    assert "times likelier" not in html

    response = client.post(
        f"/review/{item.id}",
        data={"csrf_token": csrf_token(html), "choice": str(york["alexandra"].id)},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/review/")
    alert = db.exec(select(Alert)).one()
    assert alert.setting_id == york["clifton"].id
    to_dsl = db.exec(select(Delivery).where(Delivery.alert_id == alert.id)).all()
    assert "+447911100011" in {d.to_address for d in to_dsl}
    api = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(york["key"]))
    child = api.get_json()["children"][0]
    assert child["outcome"] == "matched"
    assert child["setting"] == {"urn": "121345", "name": "Clifton Green Primary School"}
    assert child["alert"]["status"] == "pending"
    db.refresh(item)
    assert (item.status, item.decision, item.decision_pupil_id) == (
        "resolved",
        "pupil",
        york["alexandra"].id,
    )
    assert [c["pupil_id"] for c in item.candidates] == [york["alexandra"].id]
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.index("review.viewed") < actions.index("review.resolved")
    assert f'href="/review/{item.id}"' not in client.get("/review/").get_data(as_text=True)


def test_it_sends_a_child_on_no_roll_to_the_councils_fallback_team(client, db, york):
    notice = submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)

    response = client.post(
        f"/review/{item.id}", data={"csrf_token": csrf_token(html), "choice": "not_on_roll"}
    )

    assert response.status_code == 302
    child = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(york["key"])).get_json()[
        "children"
    ][0]
    assert (child["outcome"], child["setting"]["urn"]) == ("no_setting", "900816")
    assert db.exec(select(Alert)).one().setting_id == york["team"].id
    db.refresh(item)
    assert (item.decision, item.candidates) == ("not_on_roll", [])


def test_it_hides_another_councils_children(client, db, york):
    submit(client, york)
    item = only_item(db)
    sign_in(client, "coordinator@leeds.example.gov.uk")

    assert f"/review/{item.id}" not in client.get("/review/").get_data(as_text=True)
    page = client.get(f"/review/{item.id}")
    assert page.status_code == 404
    assert "Alexandra" not in page.get_data(as_text=True)
    html = client.get("/review/").get_data(as_text=True)
    response = client.post(
        f"/review/{item.id}", data={"csrf_token": csrf_token(html), "choice": "not_on_roll"}
    )
    assert response.status_code == 404
    db.refresh(item)
    assert item.status == "open"
    assert not [e for e in db.exec(select(AuditEvent)) if e.action == "review.viewed"]


def test_it_lets_an_admin_see_every_council(client, db, york):
    submit(client, york)
    create_user(db, "admin@example.org", "admin")
    sign_in(client, "admin@example.org")

    assert client.get(f"/review/{only_item(db).id}").status_code == 200


def test_it_refuses_the_queue_to_a_dsl(client, db, york):
    create_user(db, "dsl@school.example.org", "dsl", setting_urn="121212")
    sign_in(client, "dsl@school.example.org")

    assert client.get("/review/").status_code == 403


def test_it_changes_nothing_without_a_csrf_token(client, db, york):
    submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)

    response = client.post(f"/review/{item.id}", data={"choice": "not_on_roll"})

    assert response.status_code == 400
    db.refresh(item)
    assert item.status == "open"
    assert db.exec(select(Alert)).all() == []


def test_it_asks_for_a_choice_and_refuses_a_pupil_not_listed(client, db, york):
    submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)

    empty = client.post(f"/review/{item.id}", data={"csrf_token": csrf_token(html)})
    stranger = client.post(
        f"/review/{item.id}", data={"csrf_token": csrf_token(html), "choice": "999999"}
    )

    assert empty.status_code == 400
    assert "Choose a pupil, or not on any roll" in empty.get_data(as_text=True)
    assert stranger.status_code == 400
    db.refresh(item)
    assert item.status == "open"


def test_it_decides_a_child_once(client, db, york):
    submit(client, york)
    item = only_item(db)
    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)
    token = csrf_token(html)
    choice = {"csrf_token": token, "choice": str(york["alexander"].id)}
    assert client.post(f"/review/{item.id}", data=choice).status_code == 302

    again = client.post(f"/review/{item.id}", data={"csrf_token": token, "choice": "not_on_roll"})

    assert again.status_code == 409
    assert "already been decided" in again.get_data(as_text=True)
    assert len(db.exec(select(Alert)).all()) == 1
    shown = client.get(f"/review/{item.id}").get_data(as_text=True)
    assert re.search(r"Sent to St Wilfrid.*RC Primary School", shown)


def test_it_shows_an_item_of_no_known_council_to_admins_only(client, db, york):
    submit(client, york)
    item = only_item(db)
    item.la_code = ""
    db.add(item)
    db.commit()
    user = create_user(db, "nocouncil@example.gov.uk", "coordinator", la_code="999")
    user.la_code = None  # an account made before councils were required
    db.add(user)
    db.commit()
    sign_in(client, "nocouncil@example.gov.uk")

    assert client.get(f"/review/{item.id}").status_code == 404
    assert f"/review/{item.id}" not in client.get("/review/").get_data(as_text=True)
