"""Every Key Adult the ladder may reach can sign in: an account per person, an invitation
e-mail with a single-use, expiring link to set a password, re-invite and deactivate."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select

from encompass.models import (
    Alert,
    AlertLink,
    AuditEvent,
    Delivery,
    Invitation,
    KeyAdult,
    User,
    UserSession,
)
from encompass.worker import tick
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

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MONDAY_0730 = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
COORDINATOR = "coord@york.example.gov.uk"
PASSWORD = "a long new password 42"
INVITE = re.compile(r"http://localhost/invitation/([A-Za-z0-9_-]+)")


def _contacts(tmp_path, *rows):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "setting_urn,role,name,email,phone,la_code\n" + "".join(",".join(r) + "\n" for r in rows)
    )
    return path


def _invitation_links(db, email):
    db.expire_all()
    mails = db.exec(
        select(Delivery).where(Delivery.reason == "invitation", Delivery.to_address == email)
    ).all()
    return [INVITE.search(m.body).group(1) for m in mails]


def _set_password(client, token, password=PASSWORD, next_url=""):
    url = f"/invitation/{token}" + (f"?next={next_url}" if next_url else "")
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(
        url,
        data={
            "password": password,
            "confirm": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def test_it_invites_each_imported_key_adult_once_with_one_account_across_settings(
    cli, client, db, tmp_path
):
    create_setting(db, urn="121212", name="St Wilfrid's")
    create_setting(db, urn="121345", name="Clifton Green")
    path = _contacts(
        tmp_path,
        ("121212", "dsl", "Helen Carter", "Helen.Carter@trust.example.org", "07911100001", ""),
        ("121345", "dsl", "Helen Carter", "helen.carter@trust.example.org", "07911100001", ""),
        ("121212", "deputy", "Raj Patel", "raj@school.example.org", "07911100002", ""),
        ("", "coordinator", "Claire Booth", "claire@york.example.gov.uk", "07911100099", "816"),
    )

    with time_machine.travel(NOON, tick=False):
        result = cli("contacts", "import", str(path))
        again = cli("contacts", "import", str(path))

    assert result.exit_code == 0 and again.exit_code == 0, result.output + again.output
    users = {u.email: u for u in db.exec(select(User))}
    assert sorted(users) == [
        "claire@york.example.gov.uk",
        "helen.carter@trust.example.org",
        "raj@school.example.org",
    ]
    assert {u.password_hash for u in users.values()} == {""}
    assert users["claire@york.example.gov.uk"].role == "coordinator"
    assert users["claire@york.example.gov.uk"].la_code == "816"
    helen = users["helen.carter@trust.example.org"]
    assert {a.user_id for a in db.exec(select(KeyAdult)) if "Helen" in a.name} == {helen.id}
    # One e-mail each, re-import or not; nothing personal in it.
    invitations = db.exec(select(Delivery).where(Delivery.reason == "invitation")).all()
    assert sorted(d.to_address for d in invitations) == sorted(users)
    body = next(d for d in invitations if d.to_address == helen.email).body
    assert "St Wilfrid's" in body and "Amelia" not in body


def test_it_sets_a_password_from_the_invitation_once_and_the_link_then_dies(
    cli, client, db, tmp_path
):
    create_setting(db)
    path = _contacts(tmp_path, ("121212", "dsl", "Helen Carter", "h@school.example.org", "", ""))
    path.write_text(path.read_text().replace(",,\n", ",07911100001,\n"))
    with time_machine.travel(NOON, tick=False):
        assert cli("contacts", "import", str(path)).exit_code == 0
        [token] = _invitation_links(db, "h@school.example.org")

        mismatch = client.get(f"/invitation/{token}")
        refused = client.post(
            f"/invitation/{token}",
            data={
                "password": PASSWORD,
                "confirm": PASSWORD + "x",
                "csrf_token": csrf_token(mismatch.get_data(as_text=True)),
            },
        )
        assert refused.status_code == 400
        assert "The two passwords are not the same" in refused.get_data(as_text=True)

        done = _set_password(client, token)
        assert done.status_code == 302 and done.headers["Location"] == "/"
        assert client.get("/dsl/").status_code == 200
        assert client.get(f"/invitation/{token}").status_code == 404

    db.expire_all()
    invitation = db.exec(select(Invitation)).one()
    assert invitation.used_at == NOON
    # The new password signs in from another browser too.
    other = client.application.test_client()
    sign_in(other, "h@school.example.org", PASSWORD)
    assert other.get("/dsl/").status_code == 200


def test_it_refuses_an_invitation_after_it_expires(make_app, db, tmp_path, cli):
    app = make_app(INVITATION_TTL_HOURS=48)
    client = app.test_client()
    create_setting(db)
    path = _contacts(
        tmp_path, ("121212", "dsl", "Helen Carter", "h@s.example.org", "07911100001", "")
    )
    with time_machine.travel(NOON, tick=False):
        from flask.cli import ScriptInfo

        from encompass.cli import main

        runner = app.test_cli_runner()
        result = runner.invoke(
            main, ["contacts", "import", str(path)], obj=ScriptInfo(create_app=lambda: app)
        )
        assert result.exit_code == 0, result.output
        [token] = _invitation_links(db, "h@s.example.org")
    with time_machine.travel(NOON + timedelta(hours=47), tick=False):
        assert client.get(f"/invitation/{token}").status_code == 200
    with time_machine.travel(NOON + timedelta(hours=48, seconds=1), tick=False):
        expired = client.get(f"/invitation/{token}")
    assert expired.status_code == 404
    assert "This link has expired" in expired.get_data(as_text=True)


def test_it_sends_a_coordinator_on_to_set_up_an_authenticator_app(cli, client, db, tmp_path):
    path = _contacts(
        tmp_path, ("", "coordinator", "Claire Booth", "claire@york.example.gov.uk", "", "816")
    )
    with time_machine.travel(NOON, tick=False):
        assert cli("contacts", "import", str(path)).exit_code == 0
        [token] = _invitation_links(db, "claire@york.example.gov.uk")
        done = _set_password(client, token)

    assert done.headers["Location"].startswith("/login/two-factor")
    assert client.get("/admin/attention").status_code == 302  # not signed in until the code


def _school_with_alert(client, db, *, dsl_email="helen@school.example.org"):
    """An alert whose DSL was added on the setting page (so has an account, no password)."""
    setting = create_setting(db)
    create_pupil(db, setting)
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    coordinator = client.application.test_client()
    sign_in(coordinator, COORDINATOR)
    page = coordinator.get(f"/admin/settings/{setting.id}/key-adults/new")
    added = coordinator.post(
        f"/admin/settings/{setting.id}/key-adults/new",
        data={
            "role": "dsl",
            "name": "Helen Carter",
            "email": dsl_email,
            "phone": "07911 100001",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    _, key = create_force(db)
    response = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return setting, coordinator


def _alert_sms_link(db):
    db.expire_all()
    sms = db.exec(
        select(Delivery).where(Delivery.reason == "alert", Delivery.channel == "sms")
    ).one()
    return sms.body.rsplit("http://localhost", 1)[1]


def _verify_mobile(db):
    adult = db.exec(select(KeyAdult)).one()
    adult.phone_verified_at = MONDAY_0730 - timedelta(days=7)
    db.add(adult)
    db.commit()


def test_it_takes_a_key_adult_whose_mobile_was_verified_from_the_alert_link_to_set_a_password(
    client, db
):
    with time_machine.travel(MONDAY_0730, tick=False):
        _school_with_alert(client, db)
        _verify_mobile(db)
        tick(client.application, MONDAY_0730)
        link = _alert_sms_link(db)

        opened = client.get(link)
        assert opened.headers["Location"].startswith("/invitation/")
        assert f"next={link}" in opened.headers["Location"]
        token = opened.headers["Location"].split("/invitation/", 1)[1].split("?", 1)[0]
        done = _set_password(client, token, next_url=link)
        assert done.headers["Location"] == link
        to_alert = client.get(link)
        assert to_alert.headers["Location"].startswith("/alerts/")
        page = client.get(to_alert.headers["Location"])

    assert page.status_code == 200 and "Support needed before 08:45 Mon 23 Nov" in page.get_data(
        as_text=True
    )
    db.expire_all()
    assert db.exec(select(AlertLink)).first().used_by_user_id is not None


def test_it_reinvites_with_a_new_link_and_deactivates_an_account_everywhere(client, db):
    with time_machine.travel(NOON, tick=False):
        setting, coordinator = _school_with_alert(client, db)
        [first] = _invitation_links(db, "helen@school.example.org")
        adult = db.exec(select(KeyAdult)).one()
        page = coordinator.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
        assert "Invited, not accepted" in page
        coordinator.post(
            f"/admin/key-adults/{adult.id}/invite", data={"csrf_token": csrf_token(page)}
        )
        links = _invitation_links(db, "helen@school.example.org")
        assert len(links) == 2 and client.get(f"/invitation/{first}").status_code == 404

        _set_password(client, links[1])
        assert client.get("/dsl/").status_code == 200
        page = coordinator.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
        assert "Active" in page and "Invited, not accepted" not in page
        coordinator.post(
            f"/admin/key-adults/{adult.id}/sign-out", data={"csrf_token": csrf_token(page)}
        )
        assert client.get("/dsl/").status_code == 302
        sign_in(client, "helen@school.example.org", PASSWORD)
        assert client.get("/dsl/").status_code == 200
        coordinator.post(
            f"/admin/key-adults/{adult.id}/deactivate", data={"csrf_token": csrf_token(page)}
        )

        assert client.get("/dsl/").status_code == 302
    db.expire_all()
    assert {s.ended_reason for s in db.exec(select(UserSession))} >= {"deactivated"}
    assert (
        db.exec(select(User).where(User.email == "helen@school.example.org")).one().active is False
    )


def test_it_lets_one_account_read_the_alerts_of_every_setting_it_is_a_key_adult_at(
    cli, client, db, tmp_path
):
    first = create_setting(db, urn="121212", name="St Wilfrid's")
    second = create_setting(db, urn="121345", name="Clifton Green")
    create_pupil(db, second)
    path = _contacts(
        tmp_path,
        ("121212", "dsl", "Helen Carter", "helen@trust.example.org", "07911100001", ""),
        ("121345", "dsl", "Helen Carter", "helen@trust.example.org", "07911100001", ""),
    )
    with time_machine.travel(MONDAY_0730, tick=False):
        assert cli("contacts", "import", str(path)).exit_code == 0
        [token] = _invitation_links(db, "helen@trust.example.org")
        _set_password(client, token)
        _, key = create_force(db)
        client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
        alert = db.exec(select(Alert)).one()

        assert alert.setting_id == second.id and first.id != second.id
        assert client.get(f"/alerts/{alert.id}").status_code == 200
        assert "Amelia" in client.get("/dsl/").get_data(as_text=True)


def test_it_flags_key_adults_who_have_not_accepted_on_the_coverage_page(client, db):
    with time_machine.travel(NOON, tick=False):
        setting, coordinator = _school_with_alert(client, db)
        page = coordinator.get("/admin/coverage").get_data(as_text=True)
        assert "1 Key Adult not signed up" in page
        _set_password(client, _invitation_links(db, "helen@school.example.org")[0])
        page = coordinator.get("/admin/coverage").get_data(as_text=True)
    assert "not signed up" not in page


def test_it_never_lets_an_alert_link_set_a_coordinators_first_password(client, db):
    """A coordinator sees a whole council: a leaked text is not enough to take the account."""
    with time_machine.travel(MONDAY_0730, tick=False):
        setting = create_setting(db)
        create_pupil(db, setting)
        create_key_adult(
            db, None, "coordinator", "Claire Booth", email="c@york.gov.uk", la_code="816"
        )
        _, key = create_force(db)
        client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
        db.expire_all()
        email = db.exec(select(Delivery).where(Delivery.channel == "email")).one()
        link = email.body.split("http://localhost", 1)[1].split()[0]

        opened = client.get(link)

    assert opened.status_code == 200
    assert "Check your e-mail for your invitation" in opened.get_data(as_text=True)
    assert db.exec(select(Invitation)).all() == []


def test_it_never_lets_an_alert_link_to_an_unverified_mobile_set_a_password(client, db):
    """Whoever holds a mistyped or recycled number gets no password form and no notice."""
    with time_machine.travel(MONDAY_0730, tick=False):
        _school_with_alert(client, db)
        tick(client.application, MONDAY_0730)
        link = _alert_sms_link(db)
        invitations_before = db.exec(select(Invitation)).all()

        opened = client.get(link)
        page = opened.get_data(as_text=True)

        assert opened.status_code == 200
        assert "Check your e-mail for your invitation" in page
        assert "Create a password" not in page and 'type="password"' not in page
        assert "Helen" not in page and "St Wilfrid" not in page and "Amelia" not in page
        db.expire_all()
        assert len(db.exec(select(Invitation)).all()) == len(invitations_before)
        # Nothing the link leads to is a password form, and the alert stays closed.
        assert client.get(link + "/invitation").status_code == 405
        assert client.get("/dsl/").status_code == 302
        alert = db.exec(select(Alert)).one()
        assert client.get(f"/alerts/{alert.id}").status_code == 302
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert "alert_link.check_email" in actions and "alert_link.set_password" not in actions


def test_it_resends_the_invitation_to_the_address_on_record_from_an_unverified_link(client, db):
    with time_machine.travel(MONDAY_0730, tick=False):
        _school_with_alert(client, db)
        tick(client.application, MONDAY_0730)
        link = _alert_sms_link(db)
        [first] = _invitation_links(db, "helen@school.example.org")
        page = client.get(link).get_data(as_text=True)

        resent = client.post(link + "/invitation", data={"csrf_token": csrf_token(page)})

        assert resent.status_code == 302 and resent.headers["Location"] == link
        assert "sent your invitation again" in client.get(link).get_data(as_text=True)
        links = _invitation_links(db, "helen@school.example.org")
        assert len(links) == 2 and client.get(f"/invitation/{first}").status_code == 404
        # The invitation e-mail makes the password; then the same alert link opens the alert.
        _set_password(client, links[1])
        to_alert = client.get(link)
        assert to_alert.headers["Location"].startswith("/alerts/")
        # More resends than a few are refused, and nothing more is sent.
        other = client.application.test_client()
        for _ in range(4):
            other.post(link + "/invitation", data={"csrf_token": csrf_token(page)})
    assert len(_invitation_links(db, "helen@school.example.org")) == 2


def test_it_limits_resends_from_one_alert_link(client, db):
    with time_machine.travel(MONDAY_0730, tick=False):
        _school_with_alert(client, db)
        tick(client.application, MONDAY_0730)
        link = _alert_sms_link(db)
        page = client.get(link).get_data(as_text=True)
        for _ in range(5):
            client.post(link + "/invitation", data={"csrf_token": csrf_token(page)})
        last = client.get(link).get_data(as_text=True)

    assert len(_invitation_links(db, "helen@school.example.org")) == 1 + 3
    assert "sent a few times already" in last
