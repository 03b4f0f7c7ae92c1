"""The escalation ladder: timers in the database, fired once, stopped by acknowledgement."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from encompass.alerts.ack import acknowledge
from encompass.alerts.ladder import DEFAULT_LADDER
from encompass.alerts.policy import AlertPolicy
from encompass.escalation.steps import fire_due_steps
from encompass.models import Alert, Delivery, EscalationLadder, KeyAdult
from encompass.worker import tick
from tests.factories import (
    bearer,
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    submit_notice,
)

pytestmark = pytest.mark.clock

MONDAY_0730 = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)  # GMT: local time is UTC
DUE = datetime(2026, 11, 23, 8, 45, tzinfo=UTC)


def _school(db, *, dsl=True):
    setting = create_setting(db)
    if dsl:
        create_key_adult(db, setting, "dsl", "Helen Carter", phone="+447911100001")
    create_key_adult(db, setting, "deputy", "Raj Patel", phone="+447911100002")
    create_key_adult(db, setting, "head", "Siobhan ONeill", phone="+447911100003")
    create_key_adult(db, None, "coordinator", "Claire Booth", phone="+447911100099", la_code="816")
    create_pupil(db, setting)
    return setting, create_force(db)[1]


def _submit(client, key, at=MONDAY_0730, ref="NY-1"):
    return submit_notice(client, key, at=at, police_reference=ref)


def _sent(db, since=None):
    """(role, channel, reason) of every delivery, optionally created at/after `since`."""
    db.expire_all()
    rows = db.exec(select(Delivery, KeyAdult).join(KeyAdult)).all()
    return sorted(
        (k.role, d.channel, d.reason) for d, k in rows if since is None or d.created_at >= since
    )


def test_it_climbs_the_default_ladder_while_nobody_acknowledges(app, client, db):
    _, key = _school(db)
    notice = _submit(client, key)
    assert _sent(db) == [("dsl", "email", "alert"), ("dsl", "sms", "alert")]

    assert "escalation_steps" not in tick(app, DUE - timedelta(seconds=1))
    tick(app, DUE)
    assert _sent(db, DUE) == [
        ("deputy", "email", "escalation:deputy"),
        ("deputy", "sms", "escalation:deputy"),
        ("dsl", "voice", "escalation:deputy"),
    ]
    tick(app, DUE + timedelta(minutes=30))
    assert _sent(db, DUE + timedelta(minutes=30)) == [
        ("head", "sms", "escalation:head"),
        ("head", "voice", "escalation:head"),
    ]
    shown = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(key)).json
    assert shown["children"][0]["alert"]["status"] == "sent"

    tick(app, DUE + timedelta(minutes=60))
    assert _sent(db, DUE + timedelta(minutes=60)) == [
        ("coordinator", "email", "escalation:coordinator"),
        ("coordinator", "sms", "escalation:coordinator"),
    ]
    shown = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(key)).json
    assert shown["children"][0]["alert"]["status"] == "escalated"
    # The ladder is finished: nothing more, however long nobody answers.
    assert "escalation_steps" not in tick(app, DUE + timedelta(days=2))


def test_it_waits_at_least_15_minutes_after_the_first_send(app, client, db):
    _, key = _school(db)
    _submit(client, key, at=datetime(2026, 11, 23, 8, 40, tzinfo=UTC))

    alert = db.exec(select(Alert)).one()

    assert alert.due_by == DUE
    assert alert.next_step_at == datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def test_it_stops_every_pending_step_when_the_setting_acknowledges(app, client, db):
    _, key = _school(db)
    _submit(client, key)
    tick(app, DUE)
    alert = db.exec(select(Alert)).one()

    acknowledge(
        db,
        alert,
        user_id=None,
        note="Seen; DSL meeting the child at 9",
        now=DUE + timedelta(minutes=5),
    )  # type: ignore[arg-type]
    db.commit()
    later = tick(app, DUE + timedelta(hours=3))

    assert "escalation_steps" not in later
    assert _sent(db, DUE + timedelta(minutes=1)) == []
    db.refresh(alert)
    assert alert.status == "acknowledged"


def test_it_snapshots_the_ladder_so_later_edits_do_not_change_a_live_alert(app, client, db):
    setting, key = _school(db)
    _submit(client, key)
    db.add(EscalationLadder(setting_id=setting.id, steps=[DEFAULT_LADDER[0], DEFAULT_LADDER[3]]))
    db.commit()

    tick(app, DUE)

    assert ("deputy", "sms", "escalation:deputy") in _sent(db, DUE)


def test_it_uses_the_councils_ladder_and_a_settings_own_over_it(app, client, db):
    setting, key = _school(db)
    fast = [
        DEFAULT_LADDER[0],
        {**DEFAULT_LADDER[3], "at": "send", "offset_minutes": 5},
    ]
    db.add(EscalationLadder(la_code="816", steps=fast))
    db.commit()
    _submit(client, key)

    alert = db.exec(select(Alert)).one()

    assert [s["name"] for s in alert.ladder] == ["dsl", "coordinator"]
    assert alert.next_step_at == MONDAY_0730 + timedelta(minutes=5)


def test_it_goes_straight_to_the_coordinator_when_a_setting_has_no_dsl(app, client, db):
    _, key = _school(db, dsl=False)

    _submit(client, key)

    assert _sent(db) == [
        ("coordinator", "email", "no_key_adult"),
        ("coordinator", "sms", "no_key_adult"),
    ]


def test_it_fires_each_due_step_once_when_workers_race(app, client, db):
    _, key = _school(db)
    for n in range(30):
        _submit(client, key, ref=f"NY-{n}")
    policy = AlertPolicy.from_config(app.config)
    engine = app.extensions["encompass_engine"]

    with ThreadPoolExecutor(max_workers=3) as pool:
        fired = list(pool.map(lambda _: fire_due_steps(engine, DUE, policy), range(3)))

    assert sum(fired) == 30
    assert len([r for r in _sent(db, DUE) if r[2] == "escalation:deputy"]) == 30 * 3
    assert {a.step_index for a in db.exec(select(Alert))} == {2}


def test_it_holds_sms_beyond_the_hourly_limit_for_one_phone(make_app, db):
    app = make_app(SMS_PER_RECIPIENT_PER_HOUR=3)
    client = app.test_client()
    _, key = _school(db)
    for n in range(5):
        _submit(client, key, ref=f"NY-{n}")

    tick(app, MONDAY_0730)

    db.expire_all()
    sms = db.exec(select(Delivery).where(Delivery.channel == "sms")).all()
    assert sorted(d.status for d in sms) == ["created", "created", "sent", "sent", "sent"]
    held = [d for d in sms if d.status == "created"]
    assert {d.due_at for d in held} == {MONDAY_0730 + timedelta(hours=1)}
    assert {d.error_code for d in held} == {"rate-limited"}
