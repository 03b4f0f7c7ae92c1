"""Dual registration: a child on the rolls of a school and a pupil referral unit (or a
nursery and a school) is alerted at each (Domestic Abuse Act 2021 s.49A, since
7 November 2025: each relevant educational establishment). Two mainstream schools with
the same child are too, when both rolls are current (imported within a month of each
other); when one roll is older, or its date is not known, it may be an old roll not yet
updated after a move: a person decides, unless the officer named one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from encompass.db import utcnow
from encompass.matching import ChildFacts, resolve_child
from encompass.matching.resolve import dual_registration, setting_category
from encompass.models import Alert, Child, Delivery, ReviewItem, Setting
from encompass.reports.repeats import council_stories
from encompass.reports.stats import build_report
from tests.factories import (
    bearer,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import sign_in

URL = "/api/v1/notices"
AMELIA = ChildFacts("Amelia", "Brown", date(2019, 4, 3), "YO1 7HH", address="12 Low Street")


def _pru(db) -> Setting:
    pru = create_setting(
        db,
        urn="131313",
        name="Danesgate Pupil Referral Unit",
        kind="alternative_provision",
        type_name="Pupil referral unit",
    )
    create_key_adult(db, pru, name="Priya Rao", phone="+447911100002")
    return pru


def _nursery(db) -> Setting:
    nursery = create_setting(
        db, urn="EY141414", name="Little Acorns Nursery", kind="early_years", type_name=""
    )
    create_key_adult(db, nursery, name="Nora Hale", phone="+447911100003")
    return nursery


def _other_school(db) -> Setting:
    other = create_setting(
        db, urn="121345", name="Clifton Green Primary", type_name="Community school"
    )
    create_key_adult(db, other, name="Owen Price", phone="+447911100004")
    return other


def _send(client, key, **child: Any) -> dict[str, Any]:
    response = client.post(URL, json=notice_body(child=child), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


# --- which settings are dual registration --------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "type_name", "category"),
    [
        ("early_years", "", "early_years"),
        ("school", "Pupil referral unit", "alongside"),
        ("school", "Academy alternative provision converter", "alongside"),
        ("special", "Community special school", "alongside"),
        ("school", "Hospital school", "alongside"),
        ("alternative_provision", "", "alongside"),
        ("school", "Community school", "mainstream"),
        ("school", "", "mainstream"),
    ],
)
def test_a_setting_is_early_years_alongside_or_mainstream(kind, type_name, category):
    assert setting_category(kind, type_name) == category


def test_at_most_one_mainstream_setting_is_dual_registration(db, school):
    pru, nursery, other = _pru(db), _nursery(db), _other_school(db)
    team = create_setting(db, urn="HE816", name="Home education", kind="home_education")

    assert dual_registration(db, school.id, [pru.id])
    assert dual_registration(db, nursery.id, [school.id])
    assert dual_registration(db, pru.id, [nursery.id])
    assert not dual_registration(db, school.id, [other.id])
    assert not dual_registration(db, school.id, [pru.id, other.id])
    assert not dual_registration(db, pru.id, [team.id])
    assert not dual_registration(db, school.id, [])


# --- the matcher ---------------------------------------------------------------------------
def test_a_child_on_a_school_and_a_pupil_referral_unit_roll_is_matched_to_both(db, school):
    pru = _pru(db)
    create_pupil(db, pru)

    result = resolve_child(db, AMELIA)

    assert result.outcome == "matched"
    assert {result.setting_id, *result.also_settings} == {school.id, pru.id}
    assert len(result.also_settings) == 1
    assert result.pupil_id is not None
    assert result.reason.endswith("; also on the roll of 1 other setting, told too")


def test_a_named_setting_still_tells_the_other_of_a_dual_registration(db, school):
    pru = _pru(db)
    create_pupil(db, pru)

    result = resolve_child(db, ChildFacts(**{**AMELIA.__dict__, "setting_urn": pru.urn}))

    assert (result.outcome, result.setting_id, result.also_settings) == (
        "matched",
        pru.id,
        (school.id,),
    )


def test_two_mainstream_schools_with_the_same_child_still_go_to_review(db, school):
    create_pupil(db, _other_school(db))

    result = resolve_child(db, AMELIA)

    assert (result.outcome, result.also_settings) == ("review", ())
    assert result.reason == "a pupil with the same name and date of birth is at another setting"


def test_a_named_mainstream_school_is_the_only_one_told(db, school):
    other = _other_school(db)
    create_pupil(db, other)

    result = resolve_child(db, ChildFacts(**{**AMELIA.__dict__, "setting_urn": other.urn}))

    assert (result.outcome, result.setting_id, result.also_settings) == ("matched", other.id, ())


def test_a_row_that_differs_on_the_other_roll_is_not_dual_registration(db, school):
    create_pupil(db, _pru(db), address="3 High Street")

    result = resolve_child(db, AMELIA)

    assert result.also_settings == ()
    assert result.outcome == "review"


def test_a_home_education_register_beside_a_unit_is_not_dual_registration(db):
    pru = _pru(db)
    create_pupil(db, pru)
    team = create_setting(db, urn="HE816", name="Home education", kind="home_education")
    create_pupil(db, team)

    assert resolve_child(db, AMELIA).also_settings == ()


# --- intake: an alert at each setting ------------------------------------------------------
def test_both_settings_are_alerted_and_their_key_adults_told(client, db, key, school):
    pru = _pru(db)
    create_pupil(db, pru)

    answer = _send(client, key)

    child = answer["children"][0]
    assert child["outcome"] == "matched"
    assert child["setting"]["urn"] == school.urn
    assert [t["setting"]["urn"] for t in child["also_told"]] == [pru.urn]
    assert child["also_told"][0]["alert"]["status"] == "pending"
    alerts = db.exec(select(Alert).order_by(Alert.id)).all()
    assert [a.setting_id for a in alerts] == [school.id, pru.id]
    assert len({a.due_by for a in alerts}) == 1
    told = {
        (d.alert_id, d.channel, d.to_address)
        for d in db.exec(select(Delivery).where(Delivery.reason == "alert"))
    }
    for alert, phone in zip(alerts, ("+447911100001", "+447911100002"), strict=True):
        assert (alert.id, "sms", phone) in told
        assert any(a == alert.id and c == "email" for a, c, _ in told)
    assert db.exec(select(ReviewItem)).all() == []
    # Read back, the same.
    again = client.get(f"{URL}/{answer['id']}", headers=bearer(key)).get_json()
    assert again["children"][0]["also_told"] == child["also_told"]
    assert again["children"][0]["setting"] == child["setting"]


def test_a_nursery_and_a_school_are_both_alerted(client, db, key, school):
    nursery = _nursery(db)
    create_pupil(db, nursery)

    _send(client, key)

    assert {a.setting_id for a in db.exec(select(Alert))} == {school.id, nursery.id}


def test_two_mainstream_schools_send_the_child_to_review_not_to_both(client, db, key, school):
    create_pupil(db, _other_school(db))

    child = _send(client, key)["children"][0]

    assert (child["outcome"], child["also_told"]) == ("review", [])
    assert db.exec(select(Alert)).all() == []


def test_a_named_mainstream_school_alone_is_alerted(client, db, key, school):
    other = _other_school(db)
    create_pupil(db, other)

    child = _send(client, key, setting_urn=other.urn)["children"][0]

    assert (child["setting"]["urn"], child["also_told"]) == (other.urn, [])
    assert [a.setting_id for a in db.exec(select(Alert))] == [other.id]


# --- a police correction: both alerts go or stay together -----------------------------------
def test_a_correction_that_keeps_the_child_keeps_both_alerts(client, db, key, school):
    create_pupil(db, _pru(db))
    sent = _send(client, key)
    child_id = sent["children"][0]["id"]

    response = client.patch(
        f"{URL}/{sent['id']}",
        json={"correct_children": [{"id": child_id, "where": "in the kitchen"}]},
        headers=bearer(key),
    )

    assert response.status_code == 200, response.get_json()
    alerts = db.exec(select(Alert)).all()
    assert len(alerts) == 2 and all(a.withdrawn_at is None for a in alerts)
    assert len(response.get_json()["children"][0]["also_told"]) == 1


def test_a_correction_that_moves_the_child_withdraws_both_alerts(client, db, key, school):
    create_pupil(db, _pru(db))
    other = _other_school(db)
    create_pupil(db, other, given_name="Amelie")
    sent = _send(client, key)
    child_id = sent["children"][0]["id"]

    response = client.patch(
        f"{URL}/{sent['id']}",
        json={"correct_children": [{"id": child_id, "given_name": "Amelie"}]},
        headers=bearer(key),
    )

    assert response.status_code == 200, response.get_json()
    old = db.exec(select(Alert).where(Alert.child_id == child_id)).all()
    assert len(old) == 2 and all(a.withdrawn_at is not None for a in old)
    new = db.exec(select(Alert).where(Alert.child_id != child_id)).all()
    assert [a.setting_id for a in new] == [other.id]
    assert response.get_json()["children"][0]["also_told"] == []


# --- what the police and the council see --------------------------------------------------
def test_the_police_notice_page_shows_both_settings(client, db, key, school):
    pru = _pru(db)
    create_pupil(db, pru)
    sent = _send(client, key)
    create_user(
        db, "control.room@police.example.org", "police", force_name="North Yorkshire Police"
    )
    sign_in(client, "control.room@police.example.org")

    page = client.get(f"/police/notices/{sent['id']}").get_data(as_text=True)

    assert school.name.replace("'", "&#39;") in page or school.name in page
    assert pru.name in page


def test_reports_count_the_child_once_and_each_alert(client, db, key, school):
    pru = _pru(db)
    create_pupil(db, pru)
    _send(client, key)
    now = utcnow()

    report = build_report(
        db,
        None,
        start=now.date() - timedelta(days=1),
        weeks=2,
        tz=ZoneInfo("Europe/London"),
        now=now,
    )

    assert (report.notices, report.children, report.alerts) == (1, 1, 2)
    stories = council_stories(db, "816", now - timedelta(days=2), now + timedelta(days=1))
    assert [len(s.rows) for s in stories] == [1]
    assert db.exec(select(Child)).one().setting_id == school.id


def test_each_setting_s_alert_says_the_child_is_registered_at_the_other(client, db, key, school):
    pru = _pru(db)
    create_pupil(db, pru)
    _send(client, key)
    create_user(db, "priya@pru.example.org", "dsl", setting_urn=pru.urn)
    sign_in(client, "priya@pru.example.org")
    alert = db.exec(select(Alert).where(Alert.setting_id == pru.id)).one()

    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)

    assert "This child is also registered at St Wilfrid" in page
    assert "which has been notified too (dual registration)" in page


# --- two mainstream schools: told both when both rolls are current ---------------------------
def _imported(db, setting: Setting, days_ago: int) -> None:
    setting.roll_imported_at = utcnow() - timedelta(days=days_ago)
    db.add(setting)
    db.commit()


def test_two_current_mainstream_rolls_with_the_same_child_are_both_told(client, db, key, school):
    """Nothing to choose between them (both rolls imported this month): each is told."""
    other = _other_school(db)
    create_pupil(db, other)
    _imported(db, school, 3)
    _imported(db, other, 10)

    assert dual_registration(db, school.id, [other.id])
    child = _send(client, key)["children"][0]

    assert child["outcome"] == "matched"
    assert {a.setting_id for a in db.exec(select(Alert))} == {school.id, other.id}


def test_an_older_mainstream_roll_is_not_taken_for_a_second_registration(db, school):
    """One roll imported months before the other: most likely not updated after a move."""
    other = _other_school(db)
    create_pupil(db, other)
    _imported(db, school, 2)
    _imported(db, other, 120)

    assert not dual_registration(db, school.id, [other.id])
    assert resolve_child(db, AMELIA).outcome == "review"
