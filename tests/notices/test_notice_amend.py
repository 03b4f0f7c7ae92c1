"""PATCH /api/v1/notices/<id>: a forgotten child added, a child's details corrected.

New children are resolved and alerted like any child; a correction that changes the
match resolves the child again; every amendment is audited and shown to the setting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from encompass.models import (
    Alert,
    AuditEvent,
    Child,
    Delivery,
    Notice,
    NoticeAmendment,
    ReviewItem,
)
from tests.factories import (
    add_namesakes,
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import sign_in

URL = "/api/v1/notices"
OLIVER = {
    "given_name": "Oliver",
    "family_name": "Brown",
    "date_of_birth": "2021-06-01",
    "postcode": "YO1 7HH",
    "address": "12 Low Street",
    "present": False,
    "spoken_to": False,
}


@pytest.fixture
def school(db, school):
    """St Wilfrid's with a DSL, and Amelia and Oliver Brown on its roll."""
    create_pupil(db, school, given_name="Oliver", date_of_birth=date(2021, 6, 1))
    return school


@pytest.fixture
def sent(client, key, school) -> dict[str, Any]:
    """Amelia's notice, as the force's system sent it."""
    response = client.post(URL, json=notice_body(), headers=bearer(key))
    assert response.status_code == 201
    return response.get_json()


def patch(client, key: str, notice_id: int, body: Any) -> Any:
    return client.patch(f"{URL}/{notice_id}", json=body, headers=bearer(key))


def count(db, model: Any, *where: Any) -> int:
    db.commit()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_it_adds_a_forgotten_child_and_alerts_their_setting(client, db, key, school, sent):
    deliveries = count(db, Delivery)

    response = patch(client, key, sent["id"], {"add_children": [OLIVER]})

    assert response.status_code == 200, response.get_data(as_text=True)
    children = response.get_json()["children"]
    assert [c["given_name"] for c in children] == ["Amelia", "Oliver"]
    assert children[1]["outcome"] == "matched"
    assert children[1]["setting"]["urn"] == school.urn
    assert children[1]["alert"]["status"] == "pending"
    assert count(db, Alert) == 2
    assert count(db, Delivery) > deliveries
    oliver = db.exec(select(Child).where(Child.given_name == "Oliver")).one()
    assert oliver.position == 1 and oliver.intake_outcome == "matched"
    amendment = db.exec(select(NoticeAmendment)).one()
    assert (amendment.kind, amendment.child_id, amendment.fields) == ("added", oliver.id, [])
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "notice.amended")).one()
    assert audited.object_id == sent["id"] and "added" in audited.detail
    assert "Oliver" not in audited.detail


def test_it_treats_the_same_added_child_sent_again_as_a_retry(client, db, key, school, sent):
    assert patch(client, key, sent["id"], {"add_children": [OLIVER]}).status_code == 200
    alerts, deliveries = count(db, Alert), count(db, Delivery)

    again = patch(client, key, sent["id"], {"add_children": [OLIVER]})

    assert again.status_code == 200
    assert len(again.get_json()["children"]) == 2
    assert (count(db, Alert), count(db, Delivery)) == (alerts, deliveries)
    assert count(db, NoticeAmendment) == 1


def test_it_refuses_to_add_a_child_already_on_the_notice_with_other_details(
    client, db, key, school, sent
):
    amelia = dict(notice_body()["children"][0], where="in the kitchen")

    response = patch(client, key, sent["id"], {"add_children": [amelia]})

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "correct_children" in errors["add_children.0"][0]
    assert count(db, Child) == 1


def test_it_corrects_details_in_place_when_the_match_does_not_change(client, db, key, school, sent):
    child_id = sent["children"][0]["id"]
    alert_id = db.exec(select(Alert.id)).one()
    deliveries = count(db, Delivery)

    response = patch(
        client,
        key,
        sent["id"],
        {"correct_children": [{"id": child_id, "where": "on the landing", "spoken_to": False}]},
    )

    assert response.status_code == 200
    db.expire_all()
    child = db.get(Child, child_id)
    assert (child.where, child.spoken_to) == ("on the landing", False)
    assert db.exec(select(Alert.id)).all() == [alert_id]
    assert count(db, Delivery) == deliveries  # nothing new is sent for a correction
    amendment = db.exec(select(NoticeAmendment)).one()
    assert (amendment.kind, amendment.child_id) == ("corrected", child_id)
    assert amendment.fields == ["where", "spoken_to"]


def test_it_re_resolves_a_child_whose_correction_changes_the_match(client, db, key, school):
    # Date of birth and postcode both wrong: a family that moved would still be matched on
    # its names and date of birth, but not with the date wrong as well.
    wrong = notice_body(
        child={"date_of_birth": "2016-09-30", "postcode": "LS1 4AP", "address": "3 Park Row"}
    )
    sent = client.post(URL, json=wrong, headers=bearer(key)).get_json()
    assert sent["children"][0]["outcome"] == "review"
    old_id = sent["children"][0]["id"]

    response = patch(
        client,
        key,
        sent["id"],
        {
            "correct_children": [
                {"id": old_id, "date_of_birth": "2019-04-03", "postcode": "YO1 7HH"}
            ]
        },
    )

    assert response.status_code == 200
    (child,) = response.get_json()["children"]
    assert child["id"] != old_id
    assert child["outcome"] == "matched" and child["setting"]["urn"] == school.urn
    assert child["alert"] is not None
    db.expire_all()
    old = db.get(Child, old_id)
    assert old.superseded_at is not None and old.intake_outcome == "review"
    item = db.exec(select(ReviewItem)).one()
    assert (item.status, item.decision) == ("resolved", "withdrawn")
    amendment = db.exec(select(NoticeAmendment)).one()
    assert (amendment.child_id, amendment.replaced_child_id) == (child["id"], old_id)
    assert sorted(amendment.fields) == ["date_of_birth", "postcode"]


def test_a_corrected_child_is_resolved_with_the_other_children_on_the_notice(
    client, db, key, school
):
    """Amelia and her brother Oliver after the family moved: Amelia's date of birth was
    wrong, so she went to review. Once it is corrected she is placed as at intake would
    be: her brother on the notice lives at her house on the roll (on this small pilot
    roll, with many Amelia Browns, her names and date of birth alone are not enough after a
    move)."""
    add_namesakes(db, school, "Amelia", "Brown", 300, "YO10 3DD")
    moved = {"postcode": "LS1 4AP", "address": "3 Park Row"}
    body = notice_body(child={"date_of_birth": "2016-09-30", **moved})
    body["children"].append({**OLIVER, **moved})
    sent = client.post(URL, json=body, headers=bearer(key)).get_json()
    amelia = sent["children"][0]
    assert amelia["outcome"] == "review"
    alone = notice_body(police_reference="NY-2026-ALONE", child=moved)
    sent_alone = client.post(URL, json=alone, headers=bearer(key)).get_json()
    assert sent_alone["children"][0]["outcome"] == "review"

    response = patch(
        client,
        key,
        sent["id"],
        {"correct_children": [{"id": amelia["id"], "date_of_birth": "2019-04-03"}]},
    )

    assert response.status_code == 200
    placed = {c["given_name"]: c for c in response.get_json()["children"]}
    assert placed["Amelia"]["outcome"] == "matched", placed["Amelia"]
    assert placed["Amelia"]["setting"]["urn"] == school.urn


def test_it_sends_a_matched_child_to_review_when_a_correction_unmatches_them(
    client, db, key, school, sent
):
    old_id = sent["children"][0]["id"]
    old_alert = db.exec(select(Alert)).one()
    fix = {"id": old_id, "given_name": "Emily", "date_of_birth": "2018-01-30", "address": ""}

    response = patch(client, key, sent["id"], {"correct_children": [fix]})

    assert response.status_code == 200
    (child,) = response.get_json()["children"]
    assert child["id"] != old_id
    assert (child["outcome"], child["setting"], child["alert"]) == ("review", None, None)
    db.expire_all()
    old = db.get(Child, old_id)
    assert old.superseded_at is not None and old.intake_outcome == "matched"
    assert db.get(Alert, old_alert.id).status == "withdrawn"
    item = db.exec(select(ReviewItem)).one()
    assert (item.child_id, item.status) == (child["id"], "open")
    amendment = db.exec(select(NoticeAmendment)).one()
    assert (amendment.child_id, amendment.replaced_child_id) == (child["id"], old_id)
    assert sorted(amendment.fields) == ["address", "date_of_birth", "given_name"]

    # Corrected back: the review closes (withdrawn) and the child is matched again.
    back = {
        "id": child["id"],
        "given_name": "Amelia",
        "date_of_birth": "2019-04-03",
        "address": "12 Low Street",
    }
    again = patch(client, key, sent["id"], {"correct_children": [back]})

    (final,) = again.get_json()["children"]
    assert final["outcome"] == "matched" and final["alert"] is not None
    db.expire_all()
    assert (db.get(ReviewItem, item.id).status, db.get(ReviewItem, item.id).decision) == (
        "resolved",
        "withdrawn",
    )


def test_it_withdraws_the_alert_when_a_correction_moves_the_child_elsewhere(
    client, db, key, school, sent
):
    other = create_setting(db, urn="131313", name="Clifton Green Primary School")
    create_key_adult(db, other, name="Ravi Patel", phone="+447911100002")
    create_pupil(db, other, given_name="Amelia", date_of_birth=date(2018, 9, 9))
    old_alert = db.exec(select(Alert)).one()

    response = patch(
        client,
        key,
        sent["id"],
        {"correct_children": [{"id": sent["children"][0]["id"], "date_of_birth": "2018-09-09"}]},
    )

    assert response.status_code == 200
    (child,) = response.get_json()["children"]
    assert child["setting"]["urn"] == "131313"
    db.expire_all()
    withdrawn = db.get(Alert, old_alert.id)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None
    assert withdrawn.next_step_at is None
    waiting = count(db, Delivery, Delivery.alert_id == old_alert.id, Delivery.status == "created")
    assert waiting == 0
    assert count(db, Alert, Alert.setting_id == other.id) == 1


def test_it_shows_the_setting_what_the_police_corrected(client, db, key, school, sent):
    create_user(db, "helen.carter@school.example.org", "dsl", setting_urn=school.urn)
    child_id = sent["children"][0]["id"]
    patch(client, key, sent["id"], {"correct_children": [{"id": child_id, "where": "upstairs"}]})
    alert_id = db.exec(select(Alert.id)).one()

    sign_in(client, "helen.carter@school.example.org")
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)

    assert "Changes from the police" in page
    assert "where the child was" in page
    assert "upstairs" in page


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"add_children": []}, "body"),
        ({"correct_children": [{"id": 999999, "where": "x"}]}, "correct_children.0.id"),
        ({"correct_children": [{"id": "CHILD", "where": "x"}]}, "correct_children.0.id"),
        ({"correct_children": [{"id": "CHILD_ID", "colour": "red"}]}, "correct_children.0.colour"),
        ({"correct_children": [{"id": "CHILD_ID", "date_of_birth": "2030-01-01"}]}, None),
        ({"add_children": [dict(OLIVER, present="perhaps")]}, "add_children.0.present"),
        ({"remove_children": [1]}, "remove_children"),
    ],
)
def test_it_refuses_an_amendment_with_errors_and_changes_nothing(
    client, db, key, school, sent, body, field
):
    child_id = sent["children"][0]["id"]
    for fix in body.get("correct_children", []):
        if fix["id"] == "CHILD_ID":
            fix["id"] = child_id
    alerts = count(db, Alert)

    response = patch(client, key, sent["id"], body)

    assert response.status_code == 422, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    if field is not None:
        assert field in errors, errors
    else:
        assert "correct_children.0.date_of_birth" in errors
    assert (count(db, Child), count(db, Alert), count(db, NoticeAmendment)) == (1, alerts, 0)


def test_it_keeps_another_forces_notice_out_of_reach(client, db, key, school, sent):
    _, other_key = create_force(db, "West Yorkshire Police")

    response = patch(client, other_key, sent["id"], {"add_children": [OLIVER]})
    no_key = client.patch(f"{URL}/{sent['id']}", json={"add_children": [OLIVER]})

    assert response.status_code == 404
    assert no_key.status_code == 401
    assert count(db, Child) == 1
    assert count(db, Notice) == 1


def test_it_refuses_more_than_twenty_children_on_a_notice(client, db, key, school, sent):
    many = [
        dict(OLIVER, given_name=name, date_of_birth=f"2015-01-{day:02d}")
        for day, name in enumerate(["Ann", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus"] * 3, 1)
    ]

    response = patch(client, key, sent["id"], {"add_children": many})

    assert response.status_code == 422
    assert count(db, Child) == 1


def test_it_points_a_correction_of_a_replaced_row_to_the_childs_new_id(
    client, db, key, school, sent
):
    old_id = sent["children"][0]["id"]
    moved = {"id": old_id, "given_name": "Emily", "date_of_birth": "2018-01-30", "address": ""}
    new_id = patch(client, key, sent["id"], {"correct_children": [moved]}).get_json()["children"][
        0
    ]["id"]

    again = patch(client, key, sent["id"], {"correct_children": [{"id": old_id, "where": "x"}]})

    assert again.status_code == 422
    assert again.get_json()["errors"]["correct_children.0.id"] == [
        f"This child's details were corrected before and the child now has id {new_id}: use that id"
    ]
