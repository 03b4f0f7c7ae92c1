"""Who has seen a notice: found by its reference in any case, alert link events included."""

from __future__ import annotations

import re

from sqlmodel import select

from encompass.models import Delivery
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

COORDINATOR = "coordinator@york.example.gov.uk"


def test_it_finds_a_notice_in_any_case_and_shows_who_opened_or_was_refused_its_link(app, db):
    school = create_setting(db)
    create_key_adult(db, school)
    create_pupil(db, school)
    other = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_user(db, "helen@school.example.org", "dsl", setting_urn=school.urn)
    create_user(db, "ravi@clifton.example.org", "dsl", setting_urn=other.urn)
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _, key = create_force(db)
    sent = app.test_client().post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    notice_id = sent.get_json()["id"]
    sms = db.exec(select(Delivery).where(Delivery.channel == "sms")).first()
    token = re.search(r"/a/(\S+)", sms.body)[1]
    helen, ravi = app.test_client(), app.test_client()
    sign_in(helen, "helen@school.example.org")
    sign_in(ravi, "ravi@clifton.example.org")
    assert helen.get(f"/a/{token}").status_code == 302
    assert ravi.get(f"/a/{token}").status_code == 404  # not Ravi's school's alert

    coordinator = app.test_client()
    sign_in(coordinator, COORDINATOR)
    found = coordinator.get("/admin/access?reference=ny-2026-004211").get_data(as_text=True)
    html = coordinator.get(f"/admin/notices/{notice_id}/access").get_data(as_text=True)

    assert f"/admin/notices/{notice_id}/access" in found
    assert "alert_link.opened" in html and "helen@school.example.org" in html
    assert "alert_link.refused" in html and "ravi@clifton.example.org" in html
    assert token not in html
