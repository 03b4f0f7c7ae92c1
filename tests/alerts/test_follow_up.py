"""A look again, a week on: the prompt to the acknowledging Key Adult (once, never in a
holiday, nothing personal in it), the answer in the child's story and to the police."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import text
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
    submit_notice,
)
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.clock

DATA = Path(__file__).resolve().parents[1] / "data"
LONDON = ZoneInfo("Europe/London")
DSL = "helen.carter@school.example.org"
POLICE = "control.room@police.example.org"
NOTE = "Mum says the family has moved in with grandparents."


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _prompts(db) -> list[Delivery]:
    db.expire_all()
    return list(db.exec(select(Delivery).where(Delivery.reason == "follow_up")))


def _world(db, cli, client):
    school = create_setting(db)
    create_key_adult(db, school, "dsl", "Helen Carter", email=DSL)
    create_user(db, DSL, "dsl", setting_urn=school.urn)
    create_pupil(db, school)
    _, key = create_force(db)
    create_user(db, POLICE, "police", force_name="North Yorkshire Police")
    # York's term dates: half term is 26 to 30 October 2026, and 2 November an INSET day.
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    notice = submit_notice(client, key, at=_at(2026, 10, 19, 6, 0), police_reference="NY-1")
    return key, notice, db.exec(select(Alert)).one()


def test_the_week_on_prompt_is_sent_once_not_in_a_holiday_and_its_answer_reaches_the_police(
    app, client, db, cli
):
    key, notice, alert = _world(db, cli, client)
    with time_machine.travel(_at(2026, 10, 19, 7, 50), tick=False):
        sign_in(client, DSL)
        page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
        client.post(
            f"/alerts/{alert.id}", data={"note": "Check-ins", "csrf_token": csrf_token(page)}
        )

    # Seven days on is Monday of half term: the prompt waits for the first school day back
    # (Tuesday 3 November: the Monday is an INSET day), at the start of the school day.
    db.expire_all()
    first_day_back = _at(2026, 11, 3, 8, 45).astimezone(UTC)
    assert db.get(Alert, alert.id).follow_up_due_at == first_day_back
    tick(app, now=_at(2026, 10, 26, 7, 50).astimezone(UTC))
    tick(app, now=_at(2026, 11, 3, 8, 44).astimezone(UTC))
    assert _prompts(db) == []

    tick(app, now=first_day_back)
    tick(app, now=_at(2026, 11, 3, 9, 30).astimezone(UTC))
    tick(app, now=_at(2026, 11, 10, 9, 30).astimezone(UTC))

    prompts = _prompts(db)
    assert len(prompts) == 1
    prompt = prompts[0]
    assert prompt.channel == "email" and prompt.to_address == DSL
    assert prompt.status == "sent"  # through the outbox transport, like every message
    words = prompt.subject + prompt.body
    for personal in ("Amelia", "Brown", "2019", "Low Street", "YO1"):
        assert personal not in words
    assert f"/alerts/{alert.id}/follow-up" in prompt.body

    # The DSL records what followed.
    url = f"/alerts/{alert.id}/follow-up"
    with time_machine.travel(_at(2026, 11, 3, 10, 0), tick=False):
        sign_in(client, DSL)
        form = client.get(url).get_data(as_text=True)
        assert "<title>What followed" in form
        missing = client.post(url, data={"csrf_token": csrf_token(form)})
        assert missing.status_code == 400
        assert "Select how the child&#39;s attendance has been" in missing.get_data(as_text=True)
        saved = client.post(
            url,
            data={
                "attendance": "more_absent",
                "behaviour": "some_concerns",
                "support": "check_ins",
                "referral": "early_help",
                "note": NOTE,
                "csrf_token": csrf_token(form),
            },
        )
        assert saved.status_code == 302
        page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "More absences than usual" in page and "early help" in page and NOTE in page
    stored = db.execute(text("SELECT note FROM alert_follow_up")).scalar_one()
    assert stored.startswith("fernet:") and "grandparents" not in stored

    # The police see that it was recorded, and not what.
    api = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(key)).get_json()
    assert api["children"][0]["alert"]["follow_up_recorded"] is True
    assert "grandparents" not in str(api) and "early_help" not in str(api)
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schema["AlertOut"]["properties"]["follow_up_recorded"]["type"] == "boolean"
    with time_machine.travel(_at(2026, 11, 3, 11, 0), tick=False):
        sign_in(client, POLICE)
        police = client.get(f"/police/notices/{notice['id']}").get_data(as_text=True)
    assert "The setting recorded what followed" in police and "grandparents" not in police


def test_no_prompt_once_what_followed_is_recorded_nor_after_a_council_acknowledgement(
    app, client, db, cli
):
    from encompass.alerts.follow_up import record_follow_up, schedule
    from encompass.models import Setting, User
    from encompass.policies import policies

    _, _, alert = _world(db, cli, client)
    user = db.exec(select(User).where(User.email == DSL)).one()
    acknowledged = _at(2026, 10, 19, 8, 0).astimezone(UTC)
    alert.acknowledged_at, alert.acknowledged_by_user_id = acknowledged, user.id
    alert.acknowledged_as = "council"
    school = db.get(Setting, alert.setting_id)
    schedule(db, alert, school, policies(app).alerts, "08:45")
    assert alert.follow_up_due_at is None

    alert.acknowledged_as = "dsl"
    schedule(db, alert, school, policies(app).alerts, "08:45")
    # The 26th is half term: the first school day back.
    assert alert.follow_up_due_at == _at(2026, 11, 3, 8, 45).astimezone(UTC)
    record_follow_up(
        db,
        alert,
        user_id=user.id,
        attendance="as_usual",
        behaviour="no_change",
        support="none_needed",
        referral="none",
        note="",
        now=_at(2026, 10, 23, 12, 0).astimezone(UTC),
    )
    db.commit()

    tick(app, now=_at(2026, 11, 3, 9, 0).astimezone(UTC))
    tick(app, now=_at(2026, 11, 4, 9, 0).astimezone(UTC))

    assert _prompts(db) == []
    db.expire_all()
    assert db.get(Alert, alert.id).follow_up_sent_at is not None  # claimed once, not sent


def test_the_prompt_goes_bilingually_from_a_welsh_school_and_in_welsh_to_who_chose_it(
    app, client, db, cli
):
    school = create_setting(db, nation="wales")
    create_key_adult(db, school, "dsl", "Helen Carter", email=DSL)
    create_user(db, DSL, "dsl", setting_urn=school.urn)
    create_pupil(db, school)
    _, key = create_force(db)
    assert cli("calendar", "import", str(DATA / "york_terms.ics"), "--la", "816").exit_code == 0
    submit_notice(client, key, at=_at(2026, 11, 16, 6, 0), police_reference="NY-1")
    alert = db.exec(select(Alert)).one()
    with time_machine.travel(_at(2026, 11, 16, 7, 50), tick=False):
        sign_in(client, DSL)
        page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
        client.post(
            f"/alerts/{alert.id}", data={"note": "Check-ins", "csrf_token": csrf_token(page)}
        )

    tick(app, now=_at(2026, 11, 23, 9, 0).astimezone(UTC))

    [prompt] = _prompts(db)
    assert prompt.subject == (
        "Ymgyrch Encompass: wythnos yn ddiweddarach, hysbysiad ar gyfer St Wilfrid's RC "
        "Primary School / Operation Encompass: a week on, a notification for St Wilfrid's "
        "RC Primary School"
    )
    assert prompt.body.index("Wythnos yn ôl") < prompt.body.index("A week ago")
