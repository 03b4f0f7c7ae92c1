"""Each recipient's messages in their language: a Key Adult's choice, else their account's,
else their setting's (bilingual in Wales, Welsh first); a council's coordinator gets
bilingual messages from a Welsh council."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from encompass.alerts.council import CouncilStep
from encompass.alerts.create import fire_step
from encompass.alerts.outgoing import Outgoing
from encompass.alerts.policy import AlertPolicy
from encompass.alerts.recipients import Recipients
from encompass.models import Delivery, KeyAdult
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    submit_notice,
)

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 1, 8, 45, tzinfo=UTC)
STEP = {"name": "dsl", "notify": [{"role": "dsl", "channels": ["sms", "email", "voice"]}]}


@dataclass
class _Alert:
    id: int
    due_by: datetime | None = DUE


def _sent(app, db, setting, alerts=(_Alert(1),), step=STEP):
    out = Outgoing(NOW, AlertPolicy.from_config(app.config))
    recipients = Recipients(db).load([setting])
    for alert in alerts:
        fire_step(recipients, out, alert, setting, step)
    return {m["channel"]: m for m in out.messages}


def _welsh_school(db, **kw):
    return create_setting(
        db, urn="401234", name="Ysgol Gymraeg Bro Morgannwg", la_code="673", nation="wales", **kw
    )


def _adult(db, setting, language=None, **kw):
    adult = create_key_adult(db, setting, "dsl", "Siân Jones", **kw)
    adult.language = language
    db.add(adult)
    db.commit()
    return adult


def test_a_dsl_at_a_welsh_school_who_has_not_chosen_gets_welsh_then_english(app, db):
    setting = _welsh_school(db)
    _adult(db, setting)

    sent = _sent(app, db, setting)

    assert sent["sms"]["body"].startswith(
        "Ymgyrch Encompass: hysbysiad newydd ar gyfer Ysgol Gymraeg Bro Morgannwg, mae angen "
        "cymorth cyn 08:45 Maw 1 Rhag. New notification, support needed before 08:45 Tue 1 Dec. "
        "Mewngofnodwch i'w weld / Sign in to view: http://localhost/a/"
    )
    welsh, english = sent["email"]["subject"].split(" / ")
    assert welsh.startswith("Ymgyrch Encompass") and english.startswith("New notification")
    body = sent["email"]["body"]
    assert body.index("Mae angen cymorth") < body.index("Support is needed")
    assert sent["voice"]["body"].startswith("[cy-GB] Dyma Ymgyrch Encompass.")
    assert "\n[en-GB] This is Operation Encompass." in sent["voice"]["body"]


@pytest.mark.parametrize(
    ("language", "opening"),
    [("en", "Operation Encompass: new notification"), ("cy", "Ymgyrch Encompass: hysbysiad")],
)
def test_a_dsl_who_chose_gets_that_language_only(app, db, language, opening):
    setting = _welsh_school(db)
    _adult(db, setting, language)

    sent = _sent(app, db, setting)

    assert sent["sms"]["body"].startswith(opening)
    assert " / " not in sent["sms"]["body"] and " / " not in sent["email"]["subject"]
    assert sent["email"]["subject"].startswith(opening)
    assert ("Sign in" in sent["email"]["body"]) is (language == "en")
    assert sent["voice"]["body"].startswith("[cy-GB]") is (language == "cy")


def test_the_account_language_counts_when_the_key_adult_has_not_chosen(app, db):
    setting = _welsh_school(db)
    adult = _adult(db, setting)
    user = create_user(db, adult.email, "dsl", setting_urn=setting.urn)
    user.language = "en"
    adult.user_id = user.id
    db.add_all([user, adult])
    db.commit()

    assert _sent(app, db, setting)["sms"]["body"].startswith("Operation Encompass")

    adult.language = "cy"  # their own choice on the Key Adult wins
    db.add(adult)
    db.commit()
    assert _sent(app, db, setting)["sms"]["body"].startswith("Ymgyrch Encompass")


def test_a_welsh_setting_can_ask_for_welsh_only_or_english_only(app, db):
    setting = _welsh_school(db, message_language="cy")
    _adult(db, setting)
    assert _sent(app, db, setting)["email"]["subject"].startswith("Ymgyrch Encompass")
    assert " / " not in _sent(app, db, setting)["email"]["subject"]

    setting.message_language = "en"
    db.add(setting)
    db.commit()
    assert _sent(app, db, setting)["sms"]["body"].startswith("Operation Encompass")


def test_a_dsl_at_an_english_school_gets_english(app, db):
    setting = create_setting(db)
    _adult(db, setting)

    sent = _sent(app, db, setting)

    assert sent["sms"]["body"].startswith(
        "Operation Encompass: new notification for St Wilfrid's RC Primary School, support "
        "needed before 08:45 Tue 1 Dec. Sign in to view: http://localhost/a/"
    )
    assert "Ymgyrch" not in sent["email"]["subject"] + sent["email"]["body"]
    assert sent["voice"]["body"].startswith("This is Operation Encompass.")


def _council(app, db, setting, la_code, count):
    create_key_adult(db, None, "coordinator", "Claire Booth", la_code=la_code)
    out = Outgoing(NOW, AlertPolicy.from_config(app.config))
    recipients = Recipients(db).load([setting])
    council = CouncilStep()
    step = {"name": "council", "notify": [{"role": "coordinator", "channels": ["sms", "email"]}]}
    for i in range(count):
        fire_step(recipients, out, _Alert(i + 1), setting, step, council=council)
    council.queue(out, "http://localhost/admin/attention")
    return {m["channel"]: m for m in out.messages}


def test_a_welsh_councils_coordinator_gets_the_count_in_welsh_and_english(app, db):
    setting = _welsh_school(db)

    sent = _council(app, db, setting, "673", 3)

    assert sent["sms"]["body"] == (
        "Ymgyrch Encompass: mae 3 hysbysiad angen sylw'r cyngor, roedd angen cymorth cyn "
        "08:45 Maw 1 Rhag. 3 notifications need the council, support was needed before "
        "08:45 Tue 1 Dec. Mewngofnodwch i'w weld / Sign in to view: "
        "http://localhost/admin/attention"
    )
    assert sent["email"]["subject"] == (
        "Ymgyrch Encompass: mae 3 hysbysiad angen sylw'r cyngor / "
        "Operation Encompass: 3 notifications need the council"
    )


def test_a_welsh_councils_coordinator_gets_one_alert_bilingually(app, db):
    # Even about a setting that asked for English only: the council's team is many readers.
    setting = _welsh_school(db, message_language="en")
    sent = _council(app, db, setting, "673", 1)
    assert sent["sms"]["body"].startswith("Ymgyrch Encompass: hysbysiad newydd ar gyfer Ysgol")
    assert "/ Sign in to view: http://localhost/a/" in sent["sms"]["body"]


def test_an_english_councils_coordinator_gets_english(app, db):
    setting = create_setting(db)
    sent = _council(app, db, setting, "816", 3)
    assert sent["sms"]["body"].startswith("Operation Encompass: 3 notifications need the council")


def test_a_notice_for_a_pupil_at_a_welsh_school_sends_the_bilingual_sms_and_email(app, client, db):
    setting = _welsh_school(db)
    _adult(db, setting, phone="+447911100001")
    create_pupil(db, setting)
    key = create_force(db)[1]

    submit_notice(client, key, at=datetime(2026, 11, 24, 14, 0, tzinfo=UTC))

    db.expire_all()
    sent = {d.channel: d for d in db.exec(select(Delivery).join(KeyAdult)).all()}
    assert sent["sms"].body.startswith("Ymgyrch Encompass: hysbysiad newydd ar gyfer Ysgol")
    assert "/ Sign in to view: http://localhost/a/" in sent["sms"].body
    assert sent["email"].subject.startswith("Ymgyrch Encompass")
    assert " / New notification, support needed before" in sent["email"].subject
    # Nothing about the child in any of it.
    for delivery in sent.values():
        assert "Amelia" not in delivery.body + delivery.subject
        assert "Brown" not in delivery.body + delivery.subject
