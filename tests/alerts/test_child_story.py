"""The child's story on the alert page: the earlier notices about the same child, the
dates only of those another setting holds, what retention minimised; identity without
guessing."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from encompass.models import Alert, AuditEvent, Child, Notice, Pupil
from encompass.records.retention import minimise_notice
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

LONDON = ZoneInfo("Europe/London")
DSL = "helen.carter@school.example.org"
OTHER_DSL = "raj.patel@other.example.org"
FIRST_NOTE = "Daily check-ins with Mrs Khan at the gate"
OTHER_NOTE = "Seen by the learning mentor at the old school"


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _alert_for(db, ref: str) -> Alert:
    db.expire_all()
    return db.exec(
        select(Alert)
        .join(Child, Child.id == Alert.child_id)
        .join(Notice, Notice.id == Child.notice_id)
        .where(Notice.police_reference == ref)
    ).one()


def _acknowledge(client, alert_id: int, note: str, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
        response = client.post(
            f"/alerts/{alert_id}", data={"note": note, "csrf_token": csrf_token(page)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)


def _page(client, alert_id: int, at: datetime) -> str:
    with time_machine.travel(at, tick=False):
        response = client.get(f"/alerts/{alert_id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)


def _school(db, urn: str, name: str, email: str, la_code: str = "816"):
    setting = create_setting(db, urn=urn, name=name, la_code=la_code)
    create_key_adult(db, setting, "dsl", name=f"DSL of {name}", email=email)
    create_user(db, email, "dsl", setting_urn=urn)
    return setting


def _with_upn(db, pupil: Pupil, upn: str = "A123456789012") -> Pupil:
    pupil.upn = upn
    db.add(pupil)
    db.commit()
    return pupil


def test_a_childs_third_notice_shows_the_first_two_to_the_dsl(client, db):
    school = _school(db, "121212", "St Wilfrid's RC Primary School", DSL)
    create_pupil(db, school)
    _, key = create_force(db)
    for n, day in enumerate((2, 9, 16), start=1):
        submit_notice(client, key, at=_at(2026, 11, day, 6, 0), police_reference=f"NY-{n}")
    first, second, third = (_alert_for(db, f"NY-{n}") for n in (1, 2, 3))
    with time_machine.travel(_at(2026, 11, 2, 7, 30), tick=False):
        sign_in(client, DSL)
    _acknowledge(client, first.id, FIRST_NOTE, _at(2026, 11, 2, 7, 40))
    # The second was acknowledged after its deadline (08:45).
    with time_machine.travel(_at(2026, 11, 9, 9, 30), tick=False):
        sign_in(client, DSL)
    _acknowledge(client, second.id, "Check in at lunch", _at(2026, 11, 9, 9, 35))

    with time_machine.travel(_at(2026, 11, 16, 7, 45), tick=False):
        sign_in(client, DSL)
    page = _page(client, third.id, _at(2026, 11, 16, 7, 50))

    assert "This is notification 3 about this child." in page
    assert "Notification of 2 November 2026" in page and "Notification of 9 November 2026" in page
    assert FIRST_NOTE in page and "Check in at lunch" in page
    assert "&lt;span" not in page
    assert "Kept" in page and "Missed" in page
    assert "DSL of St Wilfrid" in page  # who acknowledged
    assert "Held by another setting" not in page
    # Each earlier notice shown is a read of it, audited like one.
    db.expire_all()
    reads = db.exec(
        select(AuditEvent.object_id).where(
            AuditEvent.action == "alert.viewed", AuditEvent.detail.contains("child's story")
        )
    ).all()
    assert set(reads) == {first.id, second.id}
    # The first notice's own page has no earlier notices.
    assert "None. This is the first notification" in _page(
        client, first.id, _at(2026, 11, 16, 7, 55)
    )


def test_an_earlier_settings_notices_show_only_as_dates_after_a_move(client, db):
    old = _school(db, "131313", "Clifton Green Primary", OTHER_DSL)
    new = _school(db, "121212", "St Wilfrid's RC Primary School", DSL)
    elsewhere = _school(db, "141414", "Leeds Academy", "x@leeds.example.org", la_code="383")
    _, key = create_force(db)
    at_old = _with_upn(db, create_pupil(db, old))
    submit_notice(client, key, at=_at(2026, 9, 7, 6, 0), police_reference="NY-OLD")
    with time_machine.travel(_at(2026, 9, 7, 7, 0), tick=False):
        sign_in(client, OTHER_DSL)
    _acknowledge(client, _alert_for(db, "NY-OLD").id, OTHER_NOTE, _at(2026, 9, 7, 7, 5))
    # A notice in another council about a pupil with the same UPN: never shown in York.
    db.delete(at_old)
    db.commit()
    in_leeds = _with_upn(db, create_pupil(db, elsewhere))
    submit_notice(client, key, at=_at(2026, 9, 21, 6, 0), police_reference="WY-1")
    db.delete(in_leeds)
    db.commit()
    # The child moved: the new school's roll has the same UPN; the old one's no longer.
    _with_upn(db, create_pupil(db, new))
    submit_notice(client, key, at=_at(2026, 10, 5, 6, 0), police_reference="NY-NEW-1")
    submit_notice(client, key, at=_at(2026, 11, 16, 6, 0), police_reference="NY-NEW-2")
    latest = _alert_for(db, "NY-NEW-2")

    with time_machine.travel(_at(2026, 11, 16, 7, 45), tick=False):
        sign_in(client, DSL)
    page = _page(client, latest.id, _at(2026, 11, 16, 7, 50))

    assert "This is notification 3 about this child." in page
    assert "Notification of 5 October 2026" in page
    assert "Held by another setting" in page and "7 September 2026" in page
    assert "Ask your council" in page
    assert OTHER_NOTE not in page and "Clifton Green" not in page
    assert "21 September 2026" not in page  # another council's
    # The old school's DSL sees nothing of the new school's notices.
    with time_machine.travel(_at(2026, 11, 16, 8, 0), tick=False):
        sign_in(client, OTHER_DSL)
        assert client.get(f"/alerts/{latest.id}").status_code == 404


def test_a_minimised_earlier_notice_counts_with_its_date_only(client, db):
    school = _school(db, "121212", "St Wilfrid's RC Primary School", DSL)
    create_pupil(db, school)
    _, key = create_force(db)
    submit_notice(client, key, at=_at(2026, 1, 12, 6, 0), police_reference="NY-1")
    with time_machine.travel(_at(2026, 1, 12, 7, 0), tick=False):
        sign_in(client, DSL)
    _acknowledge(client, _alert_for(db, "NY-1").id, FIRST_NOTE, _at(2026, 1, 12, 7, 5))
    old = db.exec(select(Notice).where(Notice.police_reference == "NY-1")).one()
    minimise_notice(db, old, _at(2026, 11, 1, 3, 0).astimezone(UTC))
    db.commit()
    submit_notice(client, key, at=_at(2026, 11, 16, 6, 0), police_reference="NY-2")

    with time_machine.travel(_at(2026, 11, 16, 7, 45), tick=False):
        sign_in(client, DSL)
    page = _page(client, _alert_for(db, "NY-2").id, _at(2026, 11, 16, 7, 50))

    assert "This is notification 2 about this child." in page
    assert "Notification of 12 January 2026" in page
    assert "minimised under the retention period" in page
    assert FIRST_NOTE not in page


def _no_roll_child(db, client, key, ref: str, at: datetime) -> Alert:
    """A child on no roll: the review queue sends it to the council's fallback team."""
    submit_notice(
        client,
        key,
        at=at,
        police_reference=ref,
        child={"given_name": "Zofia", "family_name": "Nowak", "date_of_birth": "2020-02-02"},
    )
    db.expire_all()
    child = db.exec(select(Child).join(Notice).where(Notice.police_reference == ref)).one()
    return child


def test_a_child_on_no_roll_is_linked_only_by_a_coordinator(client, db, app):
    from encompass.alerts.create import create_alert
    from encompass.policies import policies

    team = create_setting(db, urn="816001", name="York Early Help", la_code="816", kind="fallback")
    create_user(db, "claire.booth@york.example.org", "coordinator", la_code="816")
    _, key = create_force(db)
    children = []
    for ref, day in (("NY-1", 2), ("NY-2", 9)):
        child = _no_roll_child(db, client, key, ref, _at(2026, 11, day, 6, 0))
        # The coordinator's review decision: not on any roll, to the fallback team.
        child.setting_id, child.outcome = team.id, "no_setting"
        db.add(child)
        with app.app_context():
            create_alert(db, child, team, now=_at(2026, 11, day, 7, 0), policy=policies(app).alerts)
        db.commit()
        children.append(child)
    first, second = children
    # Same names, date of birth and address: still two stories until a coordinator decides.
    assert first.story_id != second.story_id and first.pupil_key is None
    second_alert = _alert_for(db, "NY-2")

    with time_machine.travel(_at(2026, 11, 9, 9, 0), tick=False):
        sign_in(client, "claire.booth@york.example.org")
        page = client.get(f"/alerts/{second_alert.id}").get_data(as_text=True)
        assert "None. This is the first notification" in page
        assert "Possibly the same child" in page and "Same child as notice NY-1" in page
        # Only an offered exact agreement can be linked, never any alert of the council.
        wrong = client.post(
            f"/alerts/{second_alert.id}/same-child",
            data={"earlier": second_alert.id, "csrf_token": csrf_token(page)},
        )
        assert wrong.status_code == 400
        response = client.post(
            f"/alerts/{second_alert.id}/same-child",
            data={"earlier": _alert_for(db, "NY-1").id, "csrf_token": csrf_token(page)},
        )
        assert response.status_code == 302
        page = client.get(f"/alerts/{second_alert.id}").get_data(as_text=True)
    assert "This is notification 2 about this child." in page
    assert "Possibly the same child" not in page
    db.expire_all()
    assert db.get(Child, second.id).story_id == db.get(Child, first.id).story_id
    linked = db.exec(select(AuditEvent).where(AuditEvent.action == "child.linked")).one()
    assert linked.object_id == second.notice_id and "Zofia" not in linked.detail


def test_a_near_likeness_is_not_even_suggested(client, db, app):
    from encompass.alerts.identity import suggestions

    team = create_setting(db, urn="816001", name="York Early Help", la_code="816", kind="fallback")
    _, key = create_force(db)
    from encompass.alerts.create import create_alert
    from encompass.policies import policies

    made = []
    for ref, day, given in (("NY-1", 2, "Zofia"), ("NY-2", 9, "Sofia")):
        submit_notice(
            client,
            key,
            at=_at(2026, 11, day, 6, 0),
            police_reference=ref,
            child={"given_name": given, "family_name": "Nowak", "date_of_birth": "2020-02-02"},
        )
        db.expire_all()
        child = db.exec(select(Child).join(Notice).where(Notice.police_reference == ref)).one()
        child.setting_id, child.outcome = team.id, "no_setting"
        with app.app_context():
            create_alert(db, child, team, now=_at(2026, 11, day, 7, 0), policy=policies(app).alerts)
        db.commit()
        made.append(child)

    assert suggestions(db, made[1], "816") == []


def test_a_child_corrected_by_the_police_is_the_same_child_in_the_story(client, db):
    school = _school(db, "121212", "St Wilfrid's RC Primary School", DSL)
    create_pupil(db, school)
    _, key = create_force(db)
    wrong = {"given_name": "Xavier", "family_name": "Quinn", "date_of_birth": "2010-01-01"}
    sent = submit_notice(
        client, key, at=_at(2026, 11, 2, 6, 0), police_reference="NY-1", child=wrong
    )
    assert sent["children"][0]["outcome"] != "matched"
    # The police correct the child's details: the corrected child reaches the school.
    with time_machine.travel(_at(2026, 11, 2, 6, 30), tick=False):
        fixed = client.patch(
            f"/api/v1/notices/{sent['id']}",
            json={
                "correct_children": [
                    {
                        "id": sent["children"][0]["id"],
                        "given_name": "Amelia",
                        "family_name": "Brown",
                        "date_of_birth": "2019-04-03",
                    }
                ]
            },
            headers=bearer(key),
        )
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["children"][0]["outcome"] == "matched"
    submit_notice(client, key, at=_at(2026, 11, 16, 6, 0), police_reference="NY-2")

    with time_machine.travel(_at(2026, 11, 16, 7, 45), tick=False):
        sign_in(client, DSL)
    page = _page(client, _alert_for(db, "NY-2").id, _at(2026, 11, 16, 7, 50))

    assert "This is notification 2 about this child." in page
    assert "Notification of 2 November 2026" in page


def test_a_coordinator_reads_the_councils_earlier_notices_in_full(client, db):
    old = _school(db, "131313", "Clifton Green Primary", OTHER_DSL)
    new = _school(db, "121212", "St Wilfrid's RC Primary School", DSL)
    create_user(db, "claire.booth@york.example.org", "coordinator", la_code="816")
    _, key = create_force(db)
    at_old = _with_upn(db, create_pupil(db, old))
    submit_notice(client, key, at=_at(2026, 9, 7, 6, 0), police_reference="NY-OLD")
    with time_machine.travel(_at(2026, 9, 7, 7, 0), tick=False):
        sign_in(client, OTHER_DSL)
    _acknowledge(client, _alert_for(db, "NY-OLD").id, OTHER_NOTE, _at(2026, 9, 7, 7, 5))
    db.delete(at_old)
    db.commit()
    _with_upn(db, create_pupil(db, new))
    submit_notice(client, key, at=_at(2026, 11, 16, 6, 0), police_reference="NY-NEW")

    with time_machine.travel(_at(2026, 11, 16, 9, 0), tick=False):
        sign_in(client, "claire.booth@york.example.org")
        page = client.get(f"/alerts/{_alert_for(db, 'NY-NEW').id}").get_data(as_text=True)

    assert "This is notification 2 about this child." in page
    assert OTHER_NOTE in page and "Clifton Green Primary" in page
    assert "Held by another setting" not in page
