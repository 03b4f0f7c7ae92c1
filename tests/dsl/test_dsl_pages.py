"""The Key Adult's inbox, acknowledgement with the child's presentation, and the record."""

from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child
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

DSL = "helen.carter@school.example.org"
NOTE = "Meet Amelia at the gate at 8:40; check in at lunch."
PRESENTATION = "Quiet and withdrawn; would not take her coat off."


def _two_alerts(db, client):
    setting = create_setting(db)
    create_key_adult(db, setting, email=DSL)
    create_pupil(db, setting)
    create_pupil(db, setting, given_name="Oliver", date_of_birth=date(2017, 1, 9))
    create_user(db, DSL, "dsl", setting_urn=setting.urn)
    _, key = create_force(db)
    client.post("/api/v1/notices", json=notice_body(police_reference="NY-1"), headers=bearer(key))
    client.post(
        "/api/v1/notices",
        json=notice_body(
            police_reference="NY-2",
            child={"given_name": "Oliver", "date_of_birth": "2017-01-09"},
        ),
        headers=bearer(key),
    )
    alerts = {c.given_name: a for a, c in db.exec(select(Alert, Child).join(Child)).all()}
    alerts["key"] = key
    sign_in(client, DSL)
    return alerts


def test_it_lists_unacknowledged_notifications_first_with_their_holiday_flags(client, db):
    alerts = _two_alerts(db, client)
    child = db.get(Child, alerts["Amelia"].child_id)
    child.holiday_period = True
    db.add(child)
    done = alerts["Oliver"]
    page = client.get(f"/alerts/{done.id}").get_data(as_text=True)
    client.post(f"/alerts/{done.id}", data={"note": NOTE, "csrf_token": csrf_token(page)})
    db.commit()

    inbox = client.get("/dsl/").get_data(as_text=True)

    assert inbox.index("Amelia Brown") < inbox.index("Oliver Brown")
    assert "1 waiting for you to acknowledge" in inbox
    assert "School holiday" in inbox


def _acknowledge(client, alert) -> None:
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    response = client.post(
        f"/alerts/{alert.id}", data={"note": NOTE, "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302


def _add_presentation(client, alert, text: str = PRESENTATION) -> Any:
    url = f"/alerts/{alert.id}/presentation"
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"presentation": text, "csrf_token": csrf_token(page)})


def test_it_adds_how_the_child_presented_after_acknowledging_for_the_setting_only(client, db):
    alerts = _two_alerts(db, client)
    alert = alerts["Amelia"]
    before = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "How did the child present" not in before  # not asked before the child arrives
    assert client.get(f"/alerts/{alert.id}/presentation").status_code == 404
    _acknowledge(client, alert)
    shown = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Add how the child presented" in shown

    response = _add_presentation(client, alert)

    assert response.status_code == 302
    db.refresh(alert)
    assert (alert.feedback, alert.child_presentation) == (NOTE, PRESENTATION)
    shown = client.get(f"/alerts/{alert.id}").get_data(as_text=True).replace("&#39;", "'")
    assert PRESENTATION in shown and "Change how the child presented" in shown
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action == "alert.presentation_recorded")
    ).all()
    assert [(e.object_id, e.detail) for e in events] == [(alert.id, "added")]
    # The police get the note of support, never how the child presented at school.
    notice_id = db.get(Child, alert.child_id).notice_id
    police_view = client.get(f"/api/v1/notices/{notice_id}", headers=bearer(alerts["key"]))
    assert NOTE in police_view.get_data(as_text=True)
    assert "withdrawn" not in police_view.get_data(as_text=True)


def test_it_changes_how_the_child_presented_days_later_and_audits_it(client, db):
    alert = _two_alerts(db, client)["Amelia"]
    _acknowledge(client, alert)
    _add_presentation(client, alert)
    db.refresh(alert)
    alert.acknowledged_at -= timedelta(days=2)  # acknowledged on Monday; it is Wednesday
    db.add(alert)
    db.commit()

    changed = _add_presentation(client, alert, "Settled by Wednesday; playing with friends.")
    empty = _add_presentation(client, alert, "   ")

    assert changed.status_code == 302
    assert empty.status_code == 400
    assert "Enter how the child presented" in empty.get_data(as_text=True)
    db.refresh(alert)
    assert alert.child_presentation == "Settled by Wednesday; playing with friends."
    details = [
        e.detail
        for e in db.exec(
            select(AuditEvent).where(AuditEvent.action == "alert.presentation_recorded")
        )
    ]
    assert details == ["added", "changed"]


def test_it_acknowledges_without_a_presentation_note(client, db):
    alert = _two_alerts(db, client)["Amelia"]
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)

    client.post(f"/alerts/{alert.id}", data={"note": NOTE, "csrf_token": csrf_token(page)})

    db.refresh(alert)
    assert alert.status == "acknowledged" and alert.child_presentation == ""


def test_it_gives_a_plain_text_summary_to_copy_and_audits_the_download(client, db):
    alert = _two_alerts(db, client)["Amelia"]
    _acknowledge(client, alert)
    _add_presentation(client, alert)

    response = client.get(f"/alerts/{alert.id}/summary.txt")

    text = response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Child: Amelia Brown" in text and "Date of birth: 3 April 2019" in text
    assert "- Sam Brown: mother (victim)" in text
    assert f"Support planned: {NOTE}" in text
    assert f"How the child presented at the setting: {PRESENTATION}" in text
    assert "Acknowledged: " in text and DSL in text
    assert "<" not in text  # plain text, nothing to strip before pasting
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert "alert.summary_downloaded" in actions
    shown = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert 'id="record-summary"' in shown and "readonly" in shown


def test_it_refuses_another_settings_summary(client, db):
    alert = _two_alerts(db, client)["Amelia"]
    other = create_setting(db, urn="121345", name="Clifton Green")
    create_user(db, "dsl@clifton.example.org", "dsl", setting_urn=other.urn)
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/dsl/").get_data(as_text=True))}
    )
    sign_in(client, "dsl@clifton.example.org")

    assert client.get(f"/alerts/{alert.id}/summary.txt").status_code == 404


def test_it_says_an_alert_is_overdue_and_by_how_long_in_the_inbox_and_on_the_page(app, client, db):
    import time_machine

    amelia = _two_alerts(db, client)["Amelia"]

    def read(at, *urls):
        with time_machine.travel(at, tick=False):
            dsl = app.test_client()
            sign_in(dsl, DSL)
            return [dsl.get(url).get_data(as_text=True) for url in urls]

    (before,) = read(amelia.due_by - timedelta(minutes=10), "/dsl/")
    inbox, page = read(
        amelia.due_by + timedelta(hours=1, minutes=5), "/dsl/", f"/alerts/{amelia.id}"
    )

    assert "Overdue" not in before and "Support needed by" in before
    assert "Overdue by 1 hour 5 minutes" in inbox and "govuk-tag--red" in inbox
    assert "1 hour 5 minutes overdue" in page and "Support was needed before" in page
    assert 'id="acknowledge"' in page  # still acknowledged from the first screen
