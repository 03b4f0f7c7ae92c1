"""Review items follow the rolls: a later roll import places a child it can now place,
and a coordinator can send a child to any setting found by name, URN or postcode."""

import re

import pytest
from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child, ReviewItem
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import csrf_token, sign_in

COORDINATOR = "claire.booth@york.example.gov.uk"
ZUZANNA = {
    "given_name": "Zuzanna",
    "family_name": "Wojciechowska",
    "date_of_birth": "2019-04-03",
    "postcode": "YO1 7HH",
    "address": "12 Low Street",
}


@pytest.fixture
def app(make_app):
    return make_app(TOTP_REQUIRED_ROLES="")


@pytest.fixture
def york(db):
    wilfrids = create_setting(db)
    clifton = create_setting(
        db, urn="121345", name="Clifton Green Primary School", postcode="YO30 6AE"
    )
    create_key_adult(db, wilfrids, name="Helen Carter")
    create_key_adult(db, clifton, name="Mark Evans", phone="+447911100011")
    create_setting(db, urn="900816", name="York Early Help", kind="fallback")
    create_key_adult(
        db, None, role="coordinator", name="Claire Booth", email=COORDINATOR, la_code="816"
    )
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    # A neighbour on a York roll: a child from this postcode is York's to decide.
    create_pupil(db, wilfrids, given_name="Oliver", family_name="Twist", address="1 Low Street")
    _, key = create_force(db)
    return {"key": key, "wilfrids": wilfrids, "clifton": clifton}


def submit(client, key, child):
    response = client.post("/api/v1/notices", json=notice_body(child=child), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_later_roll_import_matches_a_child_waiting_in_review(cli, client, db, york, tmp_path):
    notice = submit(client, york["key"], ZUZANNA)
    assert notice["children"][0]["outcome"] == "review"  # on no roll yet
    item = db.exec(select(ReviewItem)).one()
    roll = tmp_path / "roll.csv"
    roll.write_text(
        "setting_urn,given_name,family_name,date_of_birth,postcode,address\n"
        "121345,Zuzanna,Wojciechowska,2019-04-03,YO1 7HH,12 Low Street\n",
        encoding="utf-8",
    )

    result = cli("roll", "import", str(roll))

    assert result.exit_code == 0, result.output
    assert "review: 1 children matched by the new rolls, 0 still to decide" in result.output
    db.expire_all()
    item = db.get(ReviewItem, item.id)
    child = db.get(Child, item.child_id)
    assert (item.status, item.decision, item.decision_setting_id) == (
        "resolved",
        "roll_import",
        york["clifton"].id,
    )
    assert (child.outcome, child.setting_id) == ("matched", york["clifton"].id)
    assert child.match_reason.startswith("matched after a roll import")
    alert = db.exec(select(Alert)).one()
    assert alert.setting_id == york["clifton"].id
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "review.rematched")).one()
    api = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(york["key"]))
    assert api.get_json()["children"][0]["outcome"] == "matched"

    # The coordinator sees what happened and why.
    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)
    assert "Matched by the service when a new roll was imported." in html
    assert "Why the service matched this child" in html
    assert re.search(r"<li>same (name and )?date of birth</li>", html)


def test_a_roll_import_that_places_nobody_leaves_the_item_open(cli, client, db, york, tmp_path):
    submit(client, york["key"], ZUZANNA)
    roll = tmp_path / "roll.csv"
    roll.write_text(
        "setting_urn,given_name,family_name,date_of_birth,postcode,address\n"
        "121212,Oliver,Twist,2019-04-03,YO1 7HH,1 Low Street\n",
        encoding="utf-8",
    )

    result = cli("roll", "import", str(roll))

    assert result.exit_code == 0, result.output
    db.expire_all()
    item = db.exec(select(ReviewItem)).one()
    assert item.status == "open"
    assert db.exec(select(Alert)).all() == []


def test_a_coordinator_sends_a_child_to_a_setting_found_by_search(client, db, york):
    submit(client, york["key"], ZUZANNA)
    item = db.exec(select(ReviewItem)).one()
    sign_in(client, COORDINATOR)

    page = client.get(f"/review/{item.id}?q=clifton green")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Clifton Green Primary School (121345)" in html
    response = client.post(
        f"/review/{item.id}?q=clifton+green",
        data={"csrf_token": csrf_token(html), "choice": f"setting:{york['clifton'].id}"},
    )

    assert response.status_code == 302
    db.expire_all()
    item = db.get(ReviewItem, item.id)
    child = db.get(Child, item.child_id)
    assert (item.status, item.decision) == ("resolved", "setting")
    assert (child.outcome, child.setting_id, child.pupil_id) == (
        "matched",
        york["clifton"].id,
        None,
    )
    assert db.exec(select(Alert)).one().setting_id == york["clifton"].id


def test_a_setting_that_does_not_exist_is_refused(client, db, york):
    submit(client, york["key"], ZUZANNA)
    item = db.exec(select(ReviewItem)).one()
    sign_in(client, COORDINATOR)
    html = client.get(f"/review/{item.id}").get_data(as_text=True)

    response = client.post(
        f"/review/{item.id}", data={"csrf_token": csrf_token(html), "choice": "setting:99999"}
    )

    assert response.status_code == 409
    assert "That setting no longer exists" in response.get_data(as_text=True)
    assert db.get(ReviewItem, item.id).status == "open"


@pytest.mark.parametrize(
    ("query", "urn"),
    [("121345", "121345"), ("yo306ae", "121345"), ("YO30 6", "121345"), ("wilfrid", "121212")],
)
def test_settings_are_found_by_name_urn_or_postcode(client, db, york, query, urn):
    submit(client, york["key"], ZUZANNA)
    item = db.exec(select(ReviewItem)).one()
    sign_in(client, COORDINATOR)

    html = client.get(f"/review/{item.id}", query_string={"q": query}).get_data(as_text=True)

    assert re.search(rf"\({urn}\)\s*</label>", html)
    assert len(re.findall(r'value="setting:\d+"', html)) == 1


def test_a_later_roll_import_finds_a_family_that_moved_by_its_children(
    cli, client, db, york, tmp_path
):
    """Oliver (a common name) and Grace Smith moved before either was on a roll: both wait
    in review. The roll that then lists them at their old house places Oliver through his
    sister on the same notice, as intake would have."""
    moved = {"family_name": "Smith", "postcode": "LS1 4AP", "address": "3 Park Row"}
    body = notice_body()
    template = body["children"][0]
    body["children"] = [
        {**template, **moved, "given_name": "Oliver", "date_of_birth": "2019-04-03"},
        {**template, **moved, "given_name": "Grace", "date_of_birth": "2016-02-09"},
    ]
    response = client.post("/api/v1/notices", json=body, headers=bearer(york["key"]))
    assert response.status_code == 201, response.get_json()
    assert [c["outcome"] for c in response.get_json()["children"]] == ["review", "review"]
    roll = tmp_path / "roll.csv"
    lines = ["setting_urn,given_name,family_name,date_of_birth,postcode,address"]
    lines += [
        f"121212,Oliver,Smith,2012-{1 + n % 12:02d}-{1 + n % 28:02d},YO10 3DD," for n in range(300)
    ]
    lines += [
        "121212,Oliver,Smith,2019-04-03,YO1 7HH,12 Low Street",
        "121212,Grace,Smith,2016-02-09,YO1 7HH,12 Low Street",
    ]
    roll.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = cli("roll", "import", str(roll))

    assert result.exit_code == 0, result.output
    db.expire_all()
    oliver = db.exec(select(Child).where(Child.given_name == "Oliver")).one()
    item = db.exec(select(ReviewItem).where(ReviewItem.child_id == oliver.id)).one()
    assert item.status == "resolved", (item.reason, [c["reasons"] for c in item.candidates])
    assert oliver.setting_id == york["wilfrids"].id
    assert any("Brother or sister" in r for c in item.candidates for r in c["reasons"])
