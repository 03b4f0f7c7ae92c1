"""POST/GET /api/v1/notices: what police systems may send, and what is refused.

Every refused request must leave the database as it was: no notice, no child, no alert.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import func
from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child, Delivery, Notice
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import sign_in

pytestmark = pytest.mark.clock

URL = "/api/v1/notices"


# --- helpers -------------------------------------------------------------------------------


def count(db, model: Any) -> int:
    db.commit()  # end any read snapshot so rows written by requests are visible
    return db.exec(select(func.count()).select_from(model)).one()


def assert_nothing_stored(db) -> None:
    assert count(db, Notice) == 0
    assert count(db, Child) == 0
    assert count(db, Alert) == 0
    assert count(db, Delivery) == 0


def post(client, key: str, body: Any) -> Any:
    return client.post(URL, json=body, headers=bearer(key))


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.get_data(as_text=True)
    payload = response.get_json()
    assert payload["error"] == "invalid"
    return payload["errors"]


def child_rows(db) -> list[Child]:
    db.commit()
    db.expire_all()
    return list(db.exec(select(Child).order_by(Child.notice_id, Child.position)))


def without(body: dict[str, Any], dotted: str) -> dict[str, Any]:
    """The body with one field removed, named like "children.0.present"."""
    *path, last = dotted.split(".")
    target: Any = body
    for part in path:
        target = target[int(part)] if part.isdigit() else target[part]
    del target[last]
    return body


# --- the request itself -----------------------------------------------------------------


def test_it_stores_a_valid_notice_and_answers_201(client, db, key, school):
    response = post(client, key, notice_body())

    assert response.status_code == 201, response.get_data(as_text=True)
    payload = response.get_json()
    assert payload["police_reference"] == "NY-2026-004211"
    assert [c["outcome"] for c in payload["children"]] == ["matched"]
    assert payload["children"][0]["setting"] == {"urn": "121212", "name": school.name}
    assert count(db, Notice) == 1


def test_it_refuses_malformed_json_with_a_400_json_error(client, db, key):
    response = client.post(
        URL,
        data='{"police_reference": "NY-1",',
        headers={**bearer(key), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.is_json
    assert response.get_json()["error"] == "malformed_json"
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    "data",
    [b'{"circumstances": "caf\xe9"}', b"[" * 60000, b'{"a":' * 10000],
    ids=["latin-1-bytes", "nested-arrays", "nested-objects"],
)
def test_it_refuses_json_it_cannot_decode_with_a_400(client, db, key, data):
    response = client.post(
        URL, data=data, headers={**bearer(key), "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed_json"
    assert_nothing_stored(db)


def test_it_refuses_a_lone_surrogate_in_text(client, db, key):
    data = json.dumps(notice_body(circumstances="shouting \ud800 heard"))
    assert "\\ud800" in data

    response = client.post(
        URL, data=data, headers={**bearer(key), "Content-Type": "application/json"}
    )

    assert list(errors_of(response)) == ["circumstances"]
    assert_nothing_stored(db)


def test_it_refuses_an_empty_json_body_as_malformed(client, db, key):
    response = client.post(
        URL, data="", headers={**bearer(key), "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed_json"
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"],
)
def test_it_refuses_a_body_that_is_not_sent_as_json(client, db, key, content_type):
    response = client.post(
        URL,
        data=json.dumps(notice_body()),
        headers={**bearer(key), "Content-Type": content_type},
    )

    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"
    assert_nothing_stored(db)


def test_it_accepts_json_with_a_charset_parameter(client, db, key):
    response = client.post(
        URL,
        data=json.dumps(notice_body()).encode(),
        headers={**bearer(key), "Content-Type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [[notice_body()], [], "a notice", 42, None],
    ids=["array", "empty", "str", "int", "null"],
)
def test_it_refuses_json_that_is_not_an_object_with_a_422(client, db, key, body):
    response = client.post(
        URL, data=json.dumps(body), headers={**bearer(key), "Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"] == {"body": ["Expected an object"]}
    assert_nothing_stored(db)


def test_it_refuses_a_body_over_64_kib_with_a_413_json_error(client, db, key):
    body = json.dumps(notice_body(circumstances="x"))
    oversize = body[:-1] + " " * (64 * 1024 + 1 - len(body)) + "}"
    assert len(oversize.encode()) == 64 * 1024 + 1

    response = client.post(
        URL, data=oversize, headers={**bearer(key), "Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.is_json
    assert response.get_json()["error"] == "request_entity_too_large"
    assert response.get_json()["message"] == (
        "The request is too large: the limit is 64 KiB (65536 bytes)."
    )
    assert_nothing_stored(db)


def test_it_accepts_a_body_of_exactly_64_kib(client, db, key):
    body = json.dumps(notice_body())
    padded = body[:-1] + " " * (64 * 1024 - len(body)) + "}"
    assert len(padded.encode()) == 64 * 1024

    response = client.post(
        URL, data=padded, headers={**bearer(key), "Content-Type": "application/json"}
    )

    assert response.status_code == 201, response.get_data(as_text=True)


# --- who is asking --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer enc_not-a-real-key",
        "Basic dXNlcjpwYXNzd29yZA==",
        "enc_not-a-real-key",
    ],
    ids=["missing", "empty", "scheme-only", "blank-key", "unknown-key", "basic", "no-scheme"],
)
def test_it_refuses_a_request_without_a_valid_force_key(client, db, key, header):
    headers = {} if header is None else {"Authorization": header}

    response = client.post(URL, json=notice_body(), headers=headers)

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorised"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_nothing_stored(db)


def test_it_refuses_a_real_key_sent_with_the_wrong_scheme(client, db, key):
    response = client.post(URL, json=notice_body(), headers={"Authorization": f"Token {key}"})

    assert response.status_code == 401
    assert_nothing_stored(db)


def test_it_checks_the_key_before_looking_at_the_body(client, db, key):
    response = client.post(URL, data="{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 401


def test_it_refuses_to_read_a_notice_without_a_key(client, db, key):
    notice_id = post(client, key, notice_body()).get_json()["id"]

    assert client.get(f"{URL}/{notice_id}").status_code == 401
    assert client.get(f"{URL}/{notice_id}", headers=bearer("enc_wrong")).status_code == 401


# --- fields missing or of the wrong type ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("police_reference", "Enter the police reference"),
        ("occurred_at", "Enter the date and time of the incident"),
        ("location_postcode", "Enter the postcode where the incident happened"),
        ("risk_level", "Select the risk level: standard, medium or high"),
        ("officer", "Enter the officer's name and contact phone number"),
        ("adults", "Add at least one adult"),
        ("children", "Add at least one child"),
        ("officer.name", "Enter the officer's name"),
        ("officer.contact_phone", "Enter the officer's contact phone number"),
        ("adults.0.given_name", "Adult 1: enter a first name"),
        (
            "adults.0.role",
            "Adult 1: select the adult's role in the incident: victim, suspect or other",
        ),
        ("adults.0.relationship_to_children", "Adult 1: enter who this adult is to the children"),
        ("children.0.given_name", "Child 1: enter a first name"),
        ("children.0.family_name", "Child 1: enter a last name"),
        ("children.0.present", "Child 1: select whether the child was present"),
        ("children.0.spoken_to", "Child 1: select whether the child was spoken to"),
    ],
)
def test_it_names_each_missing_field_in_a_422_in_words_for_people(client, db, key, field, message):
    response = post(client, key, without(notice_body(), field))

    assert errors_of(response) == {field: [message]}
    assert_nothing_stored(db)


def test_it_keys_a_missing_date_of_birth_by_the_childs_field(client, db, key):
    body = notice_body()
    body["children"].append(dict(body["children"][0], given_name="Jack"))
    del body["children"][1]["date_of_birth"]

    errors = errors_of(post(client, key, body))

    assert list(errors) == ["children.1.date_of_birth"]
    assert errors["children.1.date_of_birth"] == [
        "Child 2: enter a date of birth, or the child's age in years if the date is not "
        "known, or say the child is unborn"
    ]
    assert_nothing_stored(db)


def test_it_reports_every_error_in_one_response(client, db, key):
    body = notice_body(risk_level="urgent", location_postcode="nowhere")
    del body["children"][0]["given_name"]

    errors = errors_of(post(client, key, body))

    assert set(errors) == {"risk_level", "location_postcode", "children.0.given_name"}
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"police_reference": 4211}, "police_reference"),
        ({"police_reference": ""}, "police_reference"),
        ({"police_reference": "NY 2026 0042"}, "police_reference"),
        ({"police_reference": "N" * 65}, "police_reference"),
        ({"occurred_at": "last night"}, "occurred_at"),
        ({"occurred_at": True}, "occurred_at"),
        ({"risk_level": 3}, "risk_level"),
        ({"officer": "PC Jane Doe"}, "officer"),
        ({"adults": {"given_name": "Sam"}}, "adults"),
        ({"adults": []}, "adults"),
        ({"children": {"given_name": "Amelia"}}, "children"),
        ({"children": []}, "children"),
        ({"children": [notice_body()["children"][0]] * 21}, "children"),
        ({"officer": {"name": "", "contact_phone": "+441234567890"}}, "officer.name"),
        (
            {
                "officer": {
                    "name": "PC Doe",
                    "collar_number": "4" * 21,
                    "contact_phone": "01234 567890",
                }
            },
            "officer.collar_number",
        ),
        ({"child": {"present": "maybe"}}, "children.0.present"),
        ({"child": {"spoken_to": None}}, "children.0.spoken_to"),
        ({"child": {"given_name": ["Amelia"]}}, "children.0.given_name"),
        ({"child": {"given_name": "Am3lia"}}, "children.0.given_name"),
        ({"child": {"given_name": "   "}}, "children.0.given_name"),
        ({"child": {"family_name": "B" * 101}}, "children.0.family_name"),
        ({"child": {"date_of_birth": "03/04/2019"}}, "children.0.date_of_birth"),
        ({"child": {"date_of_birth": "2019-02-30"}}, "children.0.date_of_birth"),
        ({"child": {"date_of_birth": 1554249600}}, "children.0.date_of_birth"),
        ({"child": {"setting_urn": "St Wilfrid's"}}, "children.0.setting_urn"),
        ({"child": {"address": 12}}, "children.0.address"),
    ],
)
def test_it_refuses_a_field_of_the_wrong_type_or_shape(client, db, key, overrides, field):
    errors = errors_of(post(client, key, notice_body(**overrides)))

    assert list(errors) == [field]
    assert_nothing_stored(db)


def test_it_refuses_a_date_of_birth_sent_as_a_number_rather_than_guessing(client, db, key):
    # 1554249600 is midnight on 3 April 2019 as a Unix time: a date of birth is text, YYYY-MM-DD.
    errors = errors_of(post(client, key, notice_body(child={"date_of_birth": 1554249600})))

    assert list(errors) == ["children.0.date_of_birth"]
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    "overrides",
    [
        {"colour": "blue"},
        {"officer": {"name": "PC Jane Doe", "contact_phone": "+441234567890", "rank": "PC"}},
        {"child": {"nickname": "Millie"}},
    ],
    ids=["top-level", "officer", "child"],
)
def test_it_refuses_unknown_fields(client, db, key, overrides):
    errors = errors_of(post(client, key, notice_body(**overrides)))

    (field,) = errors
    assert field in ("colour", "officer.rank", "children.0.nickname")
    assert errors[field] == ["Unknown field"]
    assert_nothing_stored(db)


@pytest.mark.parametrize("risk", ["critical", "High", "low", "", None])
def test_it_refuses_a_risk_level_outside_standard_medium_high(client, db, key, risk):
    errors = errors_of(post(client, key, notice_body(risk_level=risk)))

    assert list(errors) == ["risk_level"]
    assert_nothing_stored(db)


@pytest.mark.parametrize("risk", ["standard", "medium", "high"])
def test_it_accepts_each_dash_risk_level(client, db, key, risk):
    response = post(client, key, notice_body(risk_level=risk, police_reference=f"NY-{risk}"))

    assert response.status_code == 201
    assert response.get_json()["risk_level"] == risk


# --- relationships --------------------------------------------------------------------------


def _adult(relationship: str) -> dict[str, str]:
    return {
        "given_name": "Sam",
        "family_name": "Brown",
        "role": "suspect",
        "relationship_to_children": relationship,
    }


@pytest.mark.parametrize(
    "relationship", ["partner", "Partner", " PARTNER ", "ex-partner", "Ex-Partner", "ex partner"]
)
def test_it_refuses_a_bare_partner_and_asks_for_the_relationship_to_the_child(
    client, db, key, relationship
):
    body = notice_body(adults=[_adult("mother"), _adult(relationship)])

    errors = errors_of(post(client, key, body))

    assert list(errors) == ["adults.1.relationship_to_children"]
    (message,) = errors["adults.1.relationship_to_children"]
    assert message.startswith("Adult 2: say who this adult is to the children")
    assert "mother's partner" in message
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    "relationship", ["mother's partner", "mother’s partner", "father's ex-partner", "stepfather"]
)
def test_it_accepts_a_relationship_that_says_who_the_adult_is_to_the_child(
    client, db, key, relationship
):
    response = post(client, key, notice_body(adults=[_adult(relationship)]))

    assert response.status_code == 201, response.get_data(as_text=True)
    db.commit()
    notice = db.exec(select(Notice)).one()
    assert notice.adults[0]["relationship_to_children"] == relationship


def test_it_refuses_an_empty_relationship(client, db, key):
    errors = errors_of(post(client, key, notice_body(adults=[_adult("  ")])))

    assert list(errors) == ["adults.0.relationship_to_children"]
    assert_nothing_stored(db)


# --- dates and times ------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_it_refuses_a_date_of_birth_in_the_future(client, db, key, frozen):
    errors = errors_of(post(client, key, notice_body(child={"date_of_birth": "2026-11-24"})))

    assert errors == {
        "children.0.date_of_birth": ["Child 1: the date of birth must not be in the future"]
    }
    assert_nothing_stored(db)


def test_it_accepts_a_baby_born_today(client, db, key, frozen):
    response = post(client, key, notice_body(child={"date_of_birth": "2026-11-23"}))

    assert response.status_code == 201, response.get_data(as_text=True)


def test_it_refuses_a_date_of_birth_of_an_adult(client, db, key, frozen):
    errors = errors_of(post(client, key, notice_body(child={"date_of_birth": "1990-01-01"})))

    assert list(errors) == ["children.0.date_of_birth"]
    assert_nothing_stored(db)


def test_it_takes_notices_on_the_29th_of_february(client, db, key):
    with time_machine.travel(datetime(2028, 2, 29, 7, 0, tzinfo=UTC), tick=False):
        response = post(client, key, notice_body())
        adult = post(
            client,
            key,
            notice_body(police_reference="NY-2", child={"date_of_birth": "2008-02-01"}),
        )

    assert response.status_code == 201, response.get_data(as_text=True)
    assert list(errors_of(adult)) == ["children.0.date_of_birth"]


def test_it_refuses_an_occurred_at_in_the_future(client, db, key, frozen):
    body = notice_body(occurred_at="2026-11-23T08:00:00+00:00")

    errors = errors_of(post(client, key, body))

    assert errors == {"occurred_at": ["The incident must not be in the future"]}
    assert_nothing_stored(db)


def test_it_allows_a_control_room_clock_a_few_minutes_fast(client, db, key, frozen):
    response = post(client, key, notice_body(occurred_at="2026-11-23T07:04:00+00:00"))

    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("occurred_at", ["2026-11-22T21:40:00", "2026-11-22 21:40"])
def test_it_refuses_an_occurred_at_without_a_time_zone(client, db, key, frozen, occurred_at):
    errors = errors_of(post(client, key, notice_body(occurred_at=occurred_at)))

    assert list(errors) == ["occurred_at"]
    assert "time zone" in errors["occurred_at"][0]
    assert_nothing_stored(db)


def test_it_stores_occurred_at_in_utc_whatever_the_offset_given(client, db, key, frozen):
    response = post(client, key, notice_body(occurred_at="2026-07-22T22:40:00+01:00"))

    assert response.status_code == 201
    assert response.get_json()["occurred_at"] == "2026-07-22T21:40:00Z"
    db.commit()
    assert db.exec(select(Notice)).one().occurred_at == datetime(2026, 7, 22, 21, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    "occurred_at",
    [
        "2025-11-01T21:40:00+00:00",
        # Before the year 1 once in UTC: found by schemathesis, once a 500.
        "0001-01-01T00:00:00+00:01",
    ],
)
def test_it_refuses_an_incident_more_than_a_year_old(client, db, key, frozen, occurred_at):
    errors = errors_of(post(client, key, notice_body(occurred_at=occurred_at)))

    assert errors == {"occurred_at": ["The incident was more than a year ago"]}
    assert_nothing_stored(db)


# --- postcodes and phone numbers ----------------------------------------------------------


@pytest.mark.parametrize("postcode", ["12345", "YO1", "YO1 7H", "SW1A 1AAA", "QO1 7HH", ""])
def test_it_refuses_a_location_that_is_not_a_uk_postcode(client, db, key, postcode):
    errors = errors_of(post(client, key, notice_body(location_postcode=postcode)))

    expected = (
        "Enter a real UK postcode, like YO1 7HH"
        if postcode
        else ("Enter the postcode where the incident happened")
    )
    assert errors == {"location_postcode": [expected]}
    assert_nothing_stored(db)


def test_it_refuses_a_childs_postcode_that_is_not_a_uk_postcode(client, db, key):
    errors = errors_of(post(client, key, notice_body(child={"postcode": "CF10"})))

    assert list(errors) == ["children.0.postcode"]
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    ("given", "stored"), [("yo17hh", "YO1 7HH"), (" yo1  7hh ", "YO1 7HH"), ("GIR 0AA", "GIR 0AA")]
)
def test_it_stores_postcodes_in_their_standard_form(client, db, key, given, stored):
    response = post(client, key, notice_body(location_postcode=given, child={"postcode": given}))

    assert response.status_code == 201, response.get_data(as_text=True)
    db.commit()
    assert db.exec(select(Notice)).one().location_postcode == stored
    assert child_rows(db)[0].postcode == stored


@pytest.mark.parametrize(
    "phone", ["12345", "ring the station", "+44 1234", "0800 00", "", "+999 1234567890"]
)
def test_it_refuses_an_officer_phone_that_cannot_be_dialled(client, db, key, phone):
    officer = {"name": "PC Jane Doe", "collar_number": "4411", "contact_phone": phone}

    errors = errors_of(post(client, key, notice_body(officer=officer)))

    assert list(errors) == ["officer.contact_phone"]
    assert_nothing_stored(db)


@pytest.mark.parametrize("phone", ["01234 567890", "+44 (0)1234 567890", "+44 1234 567 890"])
def test_it_stores_the_officer_phone_in_e164(client, db, key, phone):
    officer = {"name": "PC Jane Doe", "collar_number": "4411", "contact_phone": phone}

    response = post(client, key, notice_body(officer=officer))

    assert response.status_code == 201, response.get_data(as_text=True)
    db.commit()
    assert db.exec(select(Notice)).one().officer_contact_phone == "+441234567890"


# --- unborn children ------------------------------------------------------------------------


def _unborn(**kw: Any) -> dict[str, Any]:
    child = {"unborn": True, "date_of_birth": None, "expected_date": "2027-03-01"}
    child.update(kw)
    return child


@pytest.mark.parametrize(
    ("child", "field"),
    [
        (_unborn(expected_date=None), "children.0.expected_date"),
        (_unborn(expected_date=None, date_of_birth=None), "children.0.expected_date"),
        (_unborn(date_of_birth="2026-11-01"), "children.0.date_of_birth"),
        (_unborn(expected_date="2028-06-01"), "children.0.expected_date"),
        (_unborn(expected_date="2026-01-01"), "children.0.expected_date"),
        ({"unborn": False, "expected_date": "2027-03-01"}, "children.0.expected_date"),
        ({"unborn": "perhaps"}, "children.0.unborn"),
    ],
    ids=[
        "no-expected-date",
        "no-dates",
        "has-date-of-birth",
        "expected-too-far-ahead",
        "expected-long-past",
        "born-with-expected-date",
        "unborn-not-a-boolean",
    ],
)
def test_it_holds_an_unborn_child_to_the_unborn_rules(client, db, key, frozen, child, field):
    errors = errors_of(post(client, key, notice_body(child=child)))

    assert list(errors) == [field]
    assert_nothing_stored(db)


def test_it_routes_an_unborn_child_to_the_fallback_team(client, db, key, frozen):
    team = create_setting(db, urn="900001", name="Midwifery Safeguarding Team", kind="fallback")
    create_key_adult(db, team, name="Rhian Evans", phone="+447911100009")

    response = post(client, key, notice_body(child=_unborn()))

    assert response.status_code == 201, response.get_data(as_text=True)
    (child,) = response.get_json()["children"]
    assert child["outcome"] == "no_setting"
    assert child["unborn"] is True and child["date_of_birth"] is None
    assert child["setting"] == {"urn": "900001", "name": "Midwifery Safeguarding Team"}
    assert child["alert"] is not None
    (row,) = child_rows(db)
    assert row.expected_date == date(2027, 3, 1) and row.setting_id == team.id


def test_it_puts_an_unborn_child_in_review_when_there_is_no_fallback_team(
    client, db, key, school, frozen
):
    response = post(client, key, notice_body(child=_unborn()))

    assert response.status_code == 201
    (child,) = response.get_json()["children"]
    assert child["outcome"] == "review"
    assert child["setting"] is None and child["alert"] is None
    assert "no fallback team" in child_rows(db)[0].match_reason
    assert count(db, Alert) == 0


def test_it_puts_a_child_on_no_roll_in_review_and_never_drops_them(client, db, key, school):
    body = notice_body()
    body["children"].append(
        dict(body["children"][0], given_name="Oliver", date_of_birth="2016-09-12")
    )

    response = post(client, key, body)

    assert response.status_code == 201
    outcomes = [(c["given_name"], c["outcome"]) for c in response.get_json()["children"]]
    assert outcomes == [("Amelia", "matched"), ("Oliver", "review")]
    assert [(c.given_name, c.outcome) for c in child_rows(db)] == outcomes
    assert count(db, Alert) == 1


# --- free text ------------------------------------------------------------------------------


def test_it_refuses_circumstances_of_4001_characters(client, db, key):
    errors = errors_of(post(client, key, notice_body(circumstances="x" * 4001)))

    assert list(errors) == ["circumstances"]
    assert_nothing_stored(db)


def test_it_stores_circumstances_of_exactly_4000_characters(client, db, key):
    text = ("Neighbour heard shouting and a door slam. " * 100)[:3999] + "."
    assert len(text) == 4000

    response = post(client, key, notice_body(circumstances=text))

    assert response.status_code == 201, response.get_data(as_text=True)
    db.commit()
    assert db.exec(select(Notice)).one().circumstances == text


def test_it_keeps_line_breaks_but_refuses_control_characters(client, db, key):
    refused = post(client, key, notice_body(circumstances="shouting\x00 heard"))
    kept = post(client, key, notice_body(circumstances="Line one.\nLine two.\tIndented."))

    assert list(errors_of(refused)) == ["circumstances"]
    assert kept.status_code == 201
    db.commit()
    assert db.exec(select(Notice)).one().circumstances == "Line one.\nLine two.\tIndented."


NAMES = [
    ("Siân", "O'Neill"),
    ("Dafydd", "ap Gruffydd"),
    ("Seán", "Ó Briain"),
    ("Zoë", "Smith-Jones"),
    ("Aoife", "Ní Bhriain"),
    ("Llŷr", "O’Connor"),
    ("Chloé-Anne", "D'Arcy"),
]


def test_it_stores_welsh_and_irish_names_exactly_as_given(client, db, key):
    children = [
        {
            "given_name": given,
            "family_name": family,
            "date_of_birth": "2018-06-0" + str(i + 1),
            "present": False,
            "spoken_to": False,
        }
        for i, (given, family) in enumerate(NAMES)
    ]
    adult = {
        "given_name": "Bríd",
        "family_name": "Ó Súilleabháin",
        "role": "victim",
        "relationship_to_children": "mam",
    }

    response = post(client, key, notice_body(children=children, adults=[adult]))

    assert response.status_code == 201, response.get_data(as_text=True)
    assert [(c.given_name, c.family_name) for c in child_rows(db)] == NAMES
    notice_id = response.get_json()["id"]
    read_back = client.get(f"{URL}/{notice_id}", headers=bearer(key)).get_json()
    assert [(c["given_name"], c["family_name"]) for c in read_back["children"]] == NAMES
    assert db.exec(select(Notice)).one().adults[0]["family_name"] == "Ó Súilleabháin"


def test_it_stores_a_decomposed_accent_in_its_composed_form(client, db, key):
    decomposed = "Sia\u0302n"  # "a" followed by a combining circumflex

    response = post(client, key, notice_body(child={"given_name": decomposed}))

    assert response.status_code == 201
    assert child_rows(db)[0].given_name == "Siân"


def test_it_matches_a_child_whose_roll_entry_has_no_accents_or_a_different_apostrophe(
    client, db, key
):
    setting = create_setting(db, urn="401950", name="Ysgol Gymraeg Bro Morgannwg", la_code="673")
    create_key_adult(db, setting, name="Gwen Morgan")
    create_pupil(db, setting, given_name="Sian", family_name="O’Neill", postcode="CF62 8ZJ")

    response = post(
        client,
        key,
        notice_body(child={"given_name": "Siân", "family_name": "O'Neill", "postcode": None}),
    )

    (child,) = response.get_json()["children"]
    assert child["outcome"] == "matched"
    assert child["setting"]["urn"] == "401950"
    assert (child_rows(db)[0].given_name, child_rows(db)[0].family_name) == ("Siân", "O'Neill")


SQL = "Robert'); DROP TABLE notice;--"
SCRIPT = "<script>alert(1)</script>"


def test_it_stores_sql_and_html_as_plain_text_and_escapes_it_on_the_alert_page(
    client, db, key, school
):
    body = notice_body(
        circumstances=SQL,
        child={"voice_of_child": SCRIPT, "where": '<img src=x onerror="alert(2)">'},
    )

    response = post(client, key, body)

    assert response.status_code == 201, response.get_data(as_text=True)
    db.commit()
    notice = db.exec(select(Notice)).one()
    (child,) = child_rows(db)
    assert notice.circumstances == SQL
    assert child.voice_of_child == SCRIPT
    assert child.where == '<img src=x onerror="alert(2)">'
    assert count(db, Notice) == 1  # the table is still there

    create_user(db, "helen@school.example.org", "dsl", setting_urn=school.urn)
    sign_in(client, "helen@school.example.org")
    alert = db.exec(select(Alert)).one()
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert SCRIPT not in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "Robert&#39;); DROP TABLE notice;--" in page


# --- resending and reading back -------------------------------------------------------------


def test_it_answers_a_resent_reference_with_the_same_notice_and_no_new_alerts(
    client, db, key, school
):
    body = notice_body()
    first = post(client, key, body)
    alerts, deliveries = count(db, Alert), count(db, Delivery)
    assert first.status_code == 201 and alerts == 1 and deliveries > 0

    again = post(client, key, body)

    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json() == first.get_json()
    assert (count(db, Notice), count(db, Child)) == (1, 1)
    assert (count(db, Alert), count(db, Delivery)) == (alerts, deliveries)
    received = db.exec(select(AuditEvent).where(AuditEvent.action == "notice.received")).all()
    assert len(received) == 1


def test_it_refuses_a_resent_reference_with_different_content_naming_the_amend_route(
    client, db, key, school
):
    body = notice_body()
    first = post(client, key, body)
    alerts, deliveries = count(db, Alert), count(db, Delivery)
    extra_child = dict(body["children"][0], given_name="Oliver", date_of_birth="2021-06-01")

    again = post(client, key, dict(body, children=[body["children"][0], extra_child]))

    assert again.status_code == 409
    answer = again.get_json()
    notice_id = first.get_json()["id"]
    assert answer["error"] == "conflict"
    assert answer["amend"] == f"PATCH /api/v1/notices/{notice_id}"
    assert f"PATCH /api/v1/notices/{notice_id}" in answer["message"]
    assert "Oliver" not in again.get_data(as_text=True)
    assert (count(db, Notice), count(db, Child)) == (1, 1)
    assert (count(db, Alert), count(db, Delivery)) == (alerts, deliveries)


def test_it_treats_the_same_reference_from_another_force_as_a_new_notice(client, db, key, school):
    _, other_key = create_force(db, "West Yorkshire Police")

    first = post(client, key, notice_body())
    other = post(client, other_key, notice_body())

    assert (first.status_code, other.status_code) == (201, 201)
    assert other.get_json()["id"] != first.get_json()["id"]
    assert count(db, Notice) == 2
    assert count(db, Alert) == 2


def test_it_shows_a_notice_only_to_the_force_that_sent_it(client, db, key, school):
    _, other_key = create_force(db, "West Yorkshire Police")
    notice_id = post(client, key, notice_body()).get_json()["id"]

    own = client.get(f"{URL}/{notice_id}", headers=bearer(key))
    other = client.get(f"{URL}/{notice_id}", headers=bearer(other_key))
    missing = client.get(f"{URL}/{notice_id + 1000}", headers=bearer(key))

    assert own.status_code == 200
    assert own.get_json()["children"][0]["outcome"] == "matched"
    assert other.status_code == 404 and other.get_json()["error"] == "not_found"
    assert missing.status_code == 404
    assert "Amelia" not in other.get_data(as_text=True)


def test_it_validates_a_resent_reference_like_any_other_notice(client, db, key):
    assert post(client, key, notice_body()).status_code == 201

    again = post(client, key, notice_body(risk_level="extreme"))

    assert list(errors_of(again)) == ["risk_level"]
    assert count(db, Notice) == 1
