"""Holiday routing and quiet hours: nothing waits silently for the term to start."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from encompass.auth.passwords import token_hash
from encompass.models import Alert, AlertLink, Delivery, KeyAdult
from encompass.worker import tick
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    submit_notice,
)

pytestmark = pytest.mark.clock

DATA = Path(__file__).resolve().parents[1] / "data"
LONDON = ZoneInfo("Europe/London")


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _school(db, cli, *, holiday_cover=True):
    setting = create_setting(db)
    create_key_adult(db, setting, "dsl", "Helen Carter", phone="+447911100001")
    if holiday_cover:
        create_key_adult(db, setting, "holiday_cover", "Holiday Rota", phone="+447911100005")
    create_key_adult(db, None, "coordinator", "Claire Booth", phone="+447911100099", la_code="816")
    create_pupil(db, setting)
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    return create_force(db)[1]


def _submit(client, key, received, ref="NY-1"):
    return submit_notice(
        client, key, at=received, police_reference=ref, occurred_at=received.isoformat()
    )


def _queued(db):
    db.expire_all()
    rows = db.exec(select(Delivery, KeyAdult).join(KeyAdult)).all()
    return sorted((k.role, d.channel, d.reason, d.due_at) for d, k in rows)


def test_it_alerts_holiday_cover_at_once_in_half_term(app, client, db, cli):
    key = _school(db, cli)
    received = _at(2026, 10, 27, 14, 0)

    notice = _submit(client, key, received)

    assert notice["children"][0]["holiday_period"] is True
    now = received.astimezone(UTC)
    assert _queued(db) == [
        ("dsl", "email", "alert", now),
        ("dsl", "sms", "alert", now),
        ("holiday_cover", "email", "holiday_cover", now),
        ("holiday_cover", "sms", "holiday_cover", now),
    ]
    alert = db.exec(select(Alert)).one()
    assert alert.holiday_routed is True
    # The reminder goes at 07:30 on the first morning back (the INSET day is Monday 2nd).
    assert alert.reminder_due_at == _at(2026, 11, 3, 7, 30).astimezone(UTC)


def test_it_falls_back_to_the_coordinator_without_holiday_cover(app, client, db, cli):
    key = _school(db, cli, holiday_cover=False)

    _submit(client, key, _at(2026, 10, 27, 14, 0))

    roles = {(role, reason) for role, _, reason, _ in _queued(db)}
    assert roles == {("dsl", "alert"), ("coordinator", "holiday_cover")}


def test_it_does_not_route_a_term_time_notice_to_holiday_cover(app, client, db, cli):
    key = _school(db, cli)

    _submit(client, key, _at(2026, 11, 24, 14, 0))

    assert {role for role, *_ in _queued(db)} == {"dsl"}


def test_it_holds_sms_in_quiet_hours_but_sends_email_at_once(app, client, db, cli):
    key = _school(db, cli)
    received = _at(2026, 11, 24, 23, 15)

    _submit(client, key, received)

    assert _queued(db) == [
        ("dsl", "email", "alert", received.astimezone(UTC)),
        ("dsl", "sms", "alert", _at(2026, 11, 25, 7, 0).astimezone(UTC)),
    ]


def test_it_does_not_hold_sms_when_the_deadline_falls_in_quiet_hours(make_app, db, cli):
    app = make_app(SCHOOL_DAY_START="06:30")
    client = app.test_client()
    key = _school(db, cli)
    received = _at(2026, 11, 24, 23, 15)

    _submit(client, key, received)

    assert {due for _, channel, _, due in _queued(db) if channel == "sms"} == {
        received.astimezone(UTC)
    }


def _token(body: str) -> str:
    return body.rsplit("/a/", 1)[1]


def test_it_reminds_the_dsl_on_the_first_morning_back_once(app, client, db, cli):
    key = _school(db, cli)
    _submit(client, key, _at(2026, 10, 27, 14, 0), ref="NY-1")
    _submit(client, key, _at(2026, 10, 29, 16, 0), ref="NY-2")
    tick(app, _at(2026, 10, 29, 17, 0).astimezone(UTC))

    assert "holiday_reminders" not in tick(app, _at(2026, 11, 3, 7, 29).astimezone(UTC))
    counts = tick(app, _at(2026, 11, 3, 7, 30).astimezone(UTC))
    again = tick(app, _at(2026, 11, 3, 7, 45).astimezone(UTC))

    assert counts == {"holiday_reminders": 1, "sent": 2}
    assert again == {}
    reminders = db.exec(select(Delivery).where(Delivery.reason == "holiday_reminder")).all()
    assert sorted(d.channel for d in reminders) == ["email", "sms"]
    sms = next(d for d in reminders if d.channel == "sms")
    assert sms.body == (
        "Operation Encompass: 2 notifications from the holiday not yet acknowledged for "
        "St Wilfrid's RC Primary School, support needed before 08:45 Tue 3 Nov. "
        f"Sign in to view: http://localhost/a/{_token(sms.body)}"
    )
    # The link is fresh, and opens the first of them after sign-in.
    link = db.exec(
        select(AlertLink).where(AlertLink.token_hash == token_hash(_token(sms.body)))
    ).one()
    assert link.created_at == _at(2026, 11, 3, 7, 30).astimezone(UTC)
    assert "Amelia" not in sms.body and "Brown" not in sms.body


def test_it_does_not_remind_about_acknowledged_holiday_notices(app, client, db, cli):
    key = _school(db, cli)
    _submit(client, key, _at(2026, 10, 27, 14, 0))
    alert = db.exec(select(Alert)).one()
    alert.acknowledged_at = _at(2026, 10, 28, 9, 0).astimezone(UTC)
    db.add(alert)
    db.commit()

    counts = tick(app, _at(2026, 11, 3, 7, 30).astimezone(UTC))

    assert "holiday_reminders" not in counts


def test_it_keeps_a_christmas_holiday_link_working_on_the_first_morning_back(app, client, db, cli):
    """Received on 19 December, due on 5 January (4 January is an INSET day): the link in
    the holiday's e-mail still opens on the first morning back, weeks after 7 days."""
    from tests.factories import create_user
    from tests.helpers import sign_in

    key = _school(db, cli)
    notice = _submit(client, key, _at(2026, 12, 19, 14, 0))
    alert = db.exec(select(Alert)).one()
    assert alert.due_by == _at(2027, 1, 5, 8, 45).astimezone(UTC)
    email = db.exec(
        select(Delivery).where(Delivery.reason == "alert", Delivery.channel == "email")
    ).one()
    token = email.body.split("/a/", 1)[1].split()[0]
    create_user(db, "helen.carter@school.example.org", "dsl", setting_urn="121212")

    with time_machine.travel(_at(2027, 1, 5, 8, 0), tick=False):
        sign_in(client, "helen.carter@school.example.org")
        opened = client.get(f"/a/{token}")

    assert notice["children"][0]["holiday_period"] is True
    assert opened.status_code == 302 and opened.headers["Location"] == f"/alerts/{alert.id}"
    link = db.exec(select(AlertLink).where(AlertLink.token_hash == token_hash(token))).one()
    assert link.expires_at == _at(2027, 1, 12, 8, 45).astimezone(UTC)


def test_a_welsh_school_is_reminded_in_welsh_then_english_in_two_sms_parts(app, client, db, cli):
    from encompass.language.sms import is_gsm, sms_parts

    setting = create_setting(db, name="Ysgol Gymraeg Bro Morgannwg", nation="wales")
    create_key_adult(db, setting, "dsl", "Siân Jones", phone="+447911100001")
    create_pupil(db, setting)
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    key = create_force(db)[1]
    _submit(client, key, _at(2026, 10, 27, 14, 0), ref="NY-1")

    tick(app, _at(2026, 11, 3, 7, 30).astimezone(UTC))

    reminders = db.exec(select(Delivery).where(Delivery.reason == "holiday_reminder")).all()
    sms = next(d for d in reminders if d.channel == "sms")
    assert sms.body == (
        "Ymgyrch Encompass: 1 hysbysiad o'r gwyliau ar gyfer Ysgol Gymraeg Bro Morgannwg, "
        "mae angen cymorth cyn 08:45 Maw 3 Tach. 1 notification from the holiday, support "
        "needed before 08:45 Tue 3 Nov. Mewngofnodwch i'w weld / Sign in to view: "
        f"http://localhost/a/{_token(sms.body)}"
    )
    assert is_gsm(sms.body) and sms_parts(sms.body) == 2
    email = next(d for d in reminders if d.channel == "email")
    assert email.subject == (
        "Ymgyrch Encompass: 1 hysbysiad gwyliau yn aros am Ysgol Gymraeg Bro Morgannwg / "
        "Operation Encompass: 1 holiday notification waiting for Ysgol Gymraeg Bro Morgannwg"
    )
