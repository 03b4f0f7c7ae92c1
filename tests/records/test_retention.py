"""Retention: notices past NOTICE_RETENTION_DAYS lose their personal fields, keep their numbers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child, Delivery, KeyAdult, Notice
from encompass.worker import tick
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    submit_notice,
)


def _notice(db, client):
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    submit_notice(client, key)
    alert = db.exec(select(Alert)).one()
    alert.feedback = "Met Amelia at the gate"
    db.add(alert)
    db.commit()
    return db.exec(select(Notice)).one(), key


def test_it_minimises_notices_past_retention_in_the_worker(make_app, db):
    app = make_app(NOTICE_RETENTION_DAYS=30)
    client = app.test_client()
    notice, key = _notice(db, client)
    later = notice.received_at + timedelta(days=31)

    counts = tick(app, later)

    assert counts.get("notices_minimised") == 1
    db.expire_all()
    notice = db.get(Notice, notice.id)
    child = db.exec(select(Child)).one()
    alert = db.exec(select(Alert)).one()
    assert notice.minimised_at is not None
    assert (notice.circumstances, notice.adults, notice.officer_name) == ("", [], "")
    assert notice.location_postcode == "YO1"
    assert (child.given_name, child.family_name, child.date_of_birth) == ("", "", None)
    assert (child.address, child.where, child.voice_of_child) == ("", "", "")
    assert child.outcome == "matched" and child.setting_id is not None  # counts for reports
    assert alert.feedback is None and alert.status
    assert all(d.to_address == "" for d in db.exec(select(Delivery)))
    assert db.exec(select(KeyAdult)).one().phone  # the Key Adult is not the notice's data
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "retention.minimised"))
    assert "circumstances" in event.detail and "1 adults" in event.detail
    assert "Amelia" not in event.detail and "Brown" not in event.detail
    api = client.get(f"/api/v1/notices/{notice.id}", headers=bearer(key)).get_json()
    assert api["children"][0]["given_name"] == "" and api["children"][0]["outcome"] == "matched"


def test_it_leaves_notices_inside_retention_alone(make_app, db):
    app = make_app(NOTICE_RETENTION_DAYS=30)
    notice, _ = _notice(db, app.test_client())

    assert "notices_minimised" not in tick(app, notice.received_at + timedelta(days=29))
    db.expire_all()
    assert db.get(Notice, notice.id).circumstances


def test_it_minimises_from_the_command_line(client, db, cli):
    notice, _ = _notice(db, client)
    notice.received_at = datetime.now(UTC) - timedelta(days=401)  # default: 400 days
    db.add(notice)
    db.commit()

    result = cli("retention", "run")

    assert result.exit_code == 0, result.output
    assert "1 notices minimised" in result.output
    db.expire_all()
    assert db.get(Notice, notice.id).minimised_at is not None
    assert "0 notices minimised" in cli("retention", "run").output


def test_it_logs_no_personal_data_through_intake_and_sending(make_app, db, caplog):
    app = make_app()
    caplog.set_level(logging.DEBUG)
    notice, _ = _notice(db, app.test_client())
    tick(app)

    text = caplog.text
    assert "outbox" in text  # the messages went, and were logged
    for personal in (
        "Amelia",
        "Brown",
        "2019-04-03",
        "12 Low Street",
        "scared",
        "neighbours",
        "+447911100001",
        "helen.carter@school.example.org",
    ):
        assert personal not in text, personal
