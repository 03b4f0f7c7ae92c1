"""The alert page leads with what a DSL needs at 07:45: the deadline, the child (name, age,
setting) and the acknowledgement; the record follows."""

from datetime import UTC, datetime

import time_machine
from sqlmodel import select

from encompass.models import Alert
from tests.factories import (
    bearer,
    create_force,
    create_pupil,
    create_setting,
    create_user,
    notice_body,
)
from tests.helpers import sign_in

DSL = "helen.carter@school.example.org"
EVENING = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # Amelia (born 3 April 2019) is 7


def _alert_page(client, db, **child) -> str:
    setting = create_setting(db)
    create_pupil(db, setting)
    create_user(db, DSL, "dsl", setting_urn=setting.urn)
    _, key = create_force(db)
    body = notice_body(child=child, occurred_at="2026-11-24T19:00:00+00:00")
    with time_machine.travel(EVENING, tick=False):
        assert client.post("/api/v1/notices", json=body, headers=bearer(key)).status_code == 201
        alert = db.exec(select(Alert)).one()
        sign_in(client, DSL)
        return client.get(f"/alerts/{alert.id}").get_data(as_text=True)


def _first_parts(page: str) -> list[int]:
    return [
        page.index(marker)
        for marker in ('id="deadline"', 'id="alert-child"', 'id="acknowledge"', 'id="record"')
    ]


def test_it_leads_with_the_deadline_the_child_and_the_acknowledgement(client, db):
    page = _alert_page(client, db)

    assert _first_parts(page) == sorted(_first_parts(page))
    assert "<strong>Amelia Brown</strong>, age 7, St Wilfrid&#39;s RC Primary School" in page
    assert "12 hours 45 minutes left" in page
    # Nothing a coordinator needs, and the title never names the child.
    assert 'href="/admin/attention"' not in page
    assert "Amelia" not in page[page.index("<title>") : page.index("</title>")]


def test_it_gives_the_age_the_police_were_told_when_the_date_is_not_known(client, db):
    page = _alert_page(client, db, date_of_birth=None, age_years=7)

    assert "<strong>Amelia Brown</strong>, about 7 years old, St Wilfrid" in page
    assert "Not known: 7 years old when the police attended" in page
