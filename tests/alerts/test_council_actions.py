"""A coordinator reached by escalation can act: acknowledge on the setting's behalf (the
police see the note, and that the council acknowledged), or record what the council is
doing, which stops the ladder. Needs attention shows phones, the ladder and the actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select

from encompass.models import Alert, Delivery
from encompass.worker import tick
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

MONDAY_0730 = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 8, 45, tzinfo=UTC)
COORDINATOR = "claire@york.example.gov.uk"


def _escalating(client, db):
    setting = create_setting(db)
    create_key_adult(db, setting, "dsl", "Helen Carter", phone="+447911100001")
    create_key_adult(db, setting, "deputy", "Raj Patel", phone="+447911100002")
    create_key_adult(db, None, "coordinator", "Claire Booth", email=COORDINATOR, la_code="816")
    create_pupil(db, setting)
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _, key = create_force(db)
    with time_machine.travel(MONDAY_0730, tick=False):
        response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    assert response.status_code == 201
    return key, response.get_json()["id"], db.exec(select(Alert)).one()


def _coordinator(app):
    coordinator = app.test_client()
    sign_in(coordinator, COORDINATOR)
    return coordinator


def _post(client, url, form_url, data):
    token = csrf_token(client.get(form_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_it_lets_the_coordinator_acknowledge_only_once_the_ladder_reaches_the_council(
    app, client, db
):
    key, notice_id, alert = _escalating(client, db)
    page = f"/alerts/{alert.id}"
    with time_machine.travel(DUE + timedelta(minutes=30), tick=False):
        coordinator = _coordinator(app)
        for moment in (DUE, DUE + timedelta(minutes=30)):
            tick(app, moment)
        early = _post(coordinator, page, page, {"note": "Called the school"})
        assert early.status_code == 403
    with time_machine.travel(DUE + timedelta(minutes=60), tick=False):
        tick(app, DUE + timedelta(minutes=60))
        # Translated messages are markup-safe: an apostrophe may come out unescaped.
        shown = coordinator.get(page).get_data(as_text=True).replace("&#39;", "'")
        assert "Acknowledge on the setting's behalf" in shown
        done = _post(coordinator, page, page, {"note": "Head of year will see the child at 9"})
        assert done.status_code == 302
        police = client.get(f"/api/v1/notices/{notice_id}", headers=bearer(key)).get_json()
        after = coordinator.get(page).get_data(as_text=True).replace("&#39;", "'")

    db.expire_all()
    alert = db.get(Alert, alert.id)
    assert alert.acknowledged_as == "council" and alert.status == "acknowledged"
    assert police["children"][0]["alert"]["feedback"] == "Head of year will see the child at 9"
    # One confirmation, which says who acknowledged.
    assert len(re.findall(r">\s*Acknowledged\s*<", after)) == 1
    assert "by the council on the setting's behalf" in after


def test_it_records_the_councils_handling_and_stops_the_ladder(app, client, db):
    _, _, alert = _escalating(client, db)
    page = f"/alerts/{alert.id}"
    # A council ladder with a later step, to show the ladder stops.
    alert.ladder = alert.ladder + [
        {
            "name": "again",
            "at": "due_by",
            "offset_minutes": 120,
            "not_before_minutes": 0,
            "notify": [{"role": "coordinator", "channels": ["sms"]}],
            "mark_escalated": False,
        }
    ]
    db.add(alert)
    db.commit()
    with time_machine.travel(DUE + timedelta(minutes=60), tick=False):
        for moment in (DUE, DUE + timedelta(minutes=30), DUE + timedelta(minutes=60)):
            tick(app, moment)
        coordinator = _coordinator(app)
        empty = _post(coordinator, f"{page}/council-handling", page, {"council-note": " "})
        assert empty.status_code == 400
        assert "Enter what the council is doing" in empty.get_data(as_text=True)
        done = _post(
            coordinator,
            f"{page}/council-handling",
            page,
            {"council-note": "Called the school at 09:50: the deputy head has it"},
        )
        assert done.status_code == 302
        attention = coordinator.get("/admin/attention").get_data(as_text=True)
    sent_before = len(db.exec(select(Delivery)).all())
    assert tick(app, DUE + timedelta(hours=3)).get("escalation_steps") is None

    db.expire_all()
    alert = db.get(Alert, alert.id)
    assert alert.next_step_at is None and alert.acknowledged_at is None
    assert alert.council_handling_note == "Called the school at 09:50: the deputy head has it"
    assert len(db.exec(select(Delivery)).all()) == sent_before
    # Needs attention: the action, the Key Adults' phones and the ladder so far.
    assert "Council handling" in attention
    assert "Called the school at 09:50: the deputy head has it" in attention
    assert 'href="tel:+447911100002"' in attention and "07911 100002" in attention
    assert "SMS to Raj Patel (Deputy DSL)" in attention
    assert "Voice to Helen Carter (DSL)" in attention


def test_it_refuses_council_handling_from_a_dsl_and_before_escalation(app, client, db):
    _, _, alert = _escalating(client, db)
    create_user(db, "helen.carter@school.example.org", "dsl", setting_urn="121212")
    page = f"/alerts/{alert.id}"
    with time_machine.travel(DUE, tick=False):
        dsl = app.test_client()
        sign_in(dsl, "helen.carter@school.example.org")
        coordinator = _coordinator(app)

        by_dsl = _post(dsl, f"{page}/council-handling", page, {"council-note": "x"})
        too_early = _post(coordinator, f"{page}/council-handling", page, {"council-note": "x"})

    assert by_dsl.status_code == 403 and too_early.status_code == 403


def test_it_shows_the_councils_handling_to_the_police_the_dsl_and_in_reports(app, client, db):
    key, notice_id, alert = _escalating(client, db)
    create_user(db, "helen.carter@school.example.org", "dsl", setting_urn="121212")
    create_user(
        db, "control.room@police.example.org", "police", force_name="North Yorkshire Police"
    )
    page = f"/alerts/{alert.id}"
    handled_at = DUE + timedelta(minutes=67)  # 09:52 in London in November
    with time_machine.travel(handled_at, tick=False):
        for moment in (DUE, DUE + timedelta(minutes=30), DUE + timedelta(minutes=60)):
            tick(app, moment)
        before = client.get(f"/api/v1/notices/{notice_id}", headers=bearer(key)).get_json()
        coordinator = _coordinator(app)
        done = _post(
            coordinator, f"{page}/council-handling", page, {"council-note": "called Oakfield"}
        )
        assert done.status_code == 302
        api = client.get(f"/api/v1/notices/{notice_id}", headers=bearer(key)).get_json()
        police = app.test_client()
        sign_in(police, "control.room@police.example.org")
        police_page = police.get(f"/police/notices/{notice_id}").get_data(as_text=True)
        dsl = app.test_client()
        sign_in(dsl, "helen.carter@school.example.org")
        inbox = dsl.get("/dsl/").get_data(as_text=True)
        dsl_page = dsl.get(page).get_data(as_text=True)
        coordinator_page = coordinator.get(page).get_data(as_text=True)
        reports = coordinator.get("/admin/reports?weeks=4").get_data(as_text=True)
        summary = coordinator.get("/admin/reports/summary.csv?weeks=4").get_data(as_text=True)
        # The DSL can still acknowledge, and the police then see the support planned.
        acked = _post(dsl, page, page, {"note": "Raj will see the child at break"})
        assert acked.status_code == 302
        after = client.get(f"/api/v1/notices/{notice_id}", headers=bearer(key)).get_json()

    assert before["children"][0]["alert"]["council_handling"] is None
    handling = api["children"][0]["alert"]["council_handling"]
    assert handling == {"since": "2026-11-23T09:52:00Z", "note": "called Oakfield"}
    assert 'Council handling since 09:52: <span class="app-preserve">called Oakfield' in police_page
    assert "Council handling since 09:52" in inbox and "called Oakfield" in inbox
    assert "The council is handling 1 notification" in inbox
    assert "waiting for you to acknowledge" not in inbox
    assert "Council handling since 09:52" in dsl_page
    assert "You can still acknowledge and record the support planned" in dsl_page
    assert 'id="acknowledge"' in dsl_page
    # The coordinator's page: back to Needs attention, whom to call, no school wording.
    assert 'href="/admin/attention"' in coordinator_page
    assert 'href="tel:+447911100001"' in coordinator_page
    assert "The escalation ladder has stopped" in coordinator_page
    assert "CPOMS" not in coordinator_page and 'id="record-summary"' not in coordinator_page
    assert 'id="council-handling-count">1<' in reports
    assert "council_handling,1" in summary
    assert after["children"][0]["alert"]["feedback"] == "Raj will see the child at break"
    assert after["children"][0]["alert"]["council_handling"]["note"] == "called Oakfield"
