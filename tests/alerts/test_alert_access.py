"""A DSL only ever sees their own setting's alerts; links lead to sign-in, never to data."""

from datetime import timedelta

import time_machine
from sqlmodel import select

from encompass.auth.passwords import new_token, token_hash
from encompass.models import Alert, AuditEvent
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


def _alert_with_known_link(db, client):
    """Submit a notice for a child at St Wilfrid's and give its link a token we know."""
    from encompass.models import AlertLink

    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    alert = db.exec(select(Alert)).one()
    link = db.exec(select(AlertLink).where(AlertLink.alert_id == alert.id)).one()
    token = new_token()
    link.token_hash = token_hash(token)
    db.add(link)
    db.commit()
    return alert, token


def test_it_asks_for_sign_in_before_showing_anything_from_a_link(client, db):
    alert, token = _alert_with_known_link(db, client)
    # The Key Adult has set a password: the link asks them to sign in with it.
    create_user(db, "helen.carter@school.example.org", "dsl", setting_urn="121212")

    response = client.get(f"/a/{token}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "Amelia" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_it_takes_the_dsl_from_the_link_to_the_alert_and_audits_the_read(client, db):
    alert, token = _alert_with_known_link(db, client)
    create_user(db, "helen@school.example.org", "dsl", setting_urn="121212")
    sign_in(client, "helen@school.example.org")

    response = client.get(f"/a/{token}")
    assert response.headers["Location"] == f"/alerts/{alert.id}"
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)

    assert "Notification for St Wilfrid&#39;s RC Primary School" in page
    assert "Amelia Brown" in page
    assert "mother" in page
    views = db.exec(select(AuditEvent).where(AuditEvent.action == "alert.viewed")).all()
    assert [(v.object_type, v.object_id) for v in views] == [("alert", alert.id)]


def test_it_never_shows_another_settings_alert_to_a_dsl(client, db):
    alert, token = _alert_with_known_link(db, client)
    create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_user(db, "mark@clifton.example.org", "dsl", setting_urn="121345")
    sign_in(client, "mark@clifton.example.org")

    assert client.get(f"/a/{token}").status_code == 404
    assert client.get(f"/alerts/{alert.id}").status_code == 404
    assert "Amelia" not in client.get("/dsl/").get_data(as_text=True)


def test_it_refuses_an_unknown_or_expired_link(client, db):
    from encompass.models import AlertLink

    alert, token = _alert_with_known_link(db, client)
    create_user(db, "helen@school.example.org", "dsl", setting_urn="121212")
    sign_in(client, "helen@school.example.org")
    link = db.exec(select(AlertLink).where(AlertLink.alert_id == alert.id)).one()

    assert client.get(f"/a/{new_token()}").status_code == 404
    # A minute after the link's own expiry (which follows due_by, so it depends on the day
    # the notice came in), signed in afresh: the link is refused, not a way to sign in.
    with time_machine.travel(link.expires_at + timedelta(minutes=1), tick=False):
        sign_in(client, "helen@school.example.org")
        assert client.get(f"/a/{token}").status_code == 404


def test_it_requires_a_note_of_planned_support_to_acknowledge(client, db):
    alert, _ = _alert_with_known_link(db, client)
    create_user(db, "helen@school.example.org", "dsl", setting_urn="121212")
    sign_in(client, "helen@school.example.org")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)

    empty = client.post(f"/alerts/{alert.id}", data={"note": "  ", "csrf_token": csrf_token(page)})
    no_csrf = client.post(f"/alerts/{alert.id}", data={"note": "Meet at 8:45"})

    assert empty.status_code == 400
    assert "Enter the support you have planned" in empty.get_data(as_text=True)
    assert no_csrf.status_code == 400
    db.refresh(alert)
    assert alert.acknowledged_at is None

    done = client.post(
        f"/alerts/{alert.id}", data={"note": "Meet at 8:45", "csrf_token": csrf_token(page)}
    )
    assert done.status_code == 302
    db.refresh(alert)
    assert alert.status == "acknowledged" and alert.feedback == "Meet at 8:45"
