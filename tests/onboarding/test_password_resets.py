"""Forgotten passwords: the same answer for any address, a single-use link that expires,
sent only to the account's own e-mail, that ends every other session and lifts a lock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from encompass.models import AuditEvent, Delivery, Invitation, User, UserSession
from tests.factories import PASSWORD, create_setting, create_user
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.clock

DSL = "helen@school.example.org"
NEW = "a brand new password 77"
AT_0745 = datetime(2026, 11, 23, 7, 45, tzinfo=UTC)
LINK = re.compile(r"http://localhost/password-reset/([A-Za-z0-9_-]+)")


def _ask(client, email, next_url=""):
    url = "/password-reset" + (f"?next={next_url}" if next_url else "")
    page = client.get(url)
    assert page.status_code == 200
    return client.post(
        url, data={"email": email, "csrf_token": csrf_token(page.get_data(as_text=True))}
    )


def _reset_mails(db, email=DSL):
    db.expire_all()
    return db.exec(
        select(Delivery).where(Delivery.reason == "password_reset", Delivery.to_address == email)
    ).all()


def _token(db, email=DSL, nth=-1):
    return LINK.search(_reset_mails(db, email)[nth].body).group(1)


def _choose(client, token, password=NEW):
    page = client.get(f"/password-reset/{token}")
    assert page.status_code == 200, page.status_code
    return client.post(
        f"/password-reset/{token}",
        data={
            "password": password,
            "confirm": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def _without_csrf(html):
    return re.sub(r'(value|nonce)="[^"]*"', "", html)


@pytest.fixture
def dsl(db):
    create_setting(db)
    return create_user(db, DSL, "dsl", setting_urn="121212")


def test_it_answers_the_same_for_a_known_and_an_unknown_address(app, db, dsl):
    with time_machine.travel(AT_0745, tick=False):
        known, unknown = app.test_client(), app.test_client()
        asked = _ask(known, DSL)
        guessed = _ask(unknown, "nobody@school.example.org")
        pages = [c.get(r.headers["Location"]) for c, r in ((known, asked), (unknown, guessed))]

    assert asked.status_code == guessed.status_code == 302
    assert asked.headers["Location"] == guessed.headers["Location"] == "/password-reset/sent"
    assert _without_csrf(pages[0].get_data(as_text=True)) == _without_csrf(
        pages[1].get_data(as_text=True)
    )
    assert "works once, for 60 minutes" in pages[0].get_data(as_text=True)
    [mail] = _reset_mails(db)
    assert _reset_mails(db, "nobody@school.example.org") == []
    # The e-mail says nothing but what to do: no name, no setting, no child.
    assert "Helen" not in mail.body + mail.subject and "St Wilfrid" not in mail.body
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("password_reset.sent") == 1
    assert actions.count("password_reset.refused") == 1


def test_it_sets_a_new_password_once_and_ends_every_other_session(app, db, dsl):
    with time_machine.travel(AT_0745, tick=False):
        elsewhere = app.test_client()
        sign_in(elsewhere, DSL)
        assert elsewhere.get("/dsl/").status_code == 200
        phone = app.test_client()
        _ask(phone, DSL, next_url="/dsl/")
        token = _token(db)

        done = _choose(phone, token)

        assert done.status_code == 302 and done.headers["Location"] == "/dsl/"
        assert phone.get("/dsl/").status_code == 200  # signed in with the new password
        assert elsewhere.get("/dsl/").status_code == 302  # the other session has ended
        assert phone.get(f"/password-reset/{token}").status_code == 404  # single use
        fresh = app.test_client()
        page = fresh.get("/login").get_data(as_text=True)
        old = fresh.post(
            "/login", data={"email": DSL, "password": PASSWORD, "csrf_token": csrf_token(page)}
        )
        assert old.status_code == 400
        sign_in(fresh, DSL, NEW)

    db.expire_all()
    assert {s.ended_reason for s in db.exec(select(UserSession))} >= {"password changed"}
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert {"password_reset.sent", "password_reset.used", "user.password_changed"} <= set(actions)


def test_it_refuses_a_link_after_it_expires_or_a_newer_one_is_sent(app, db, dsl):
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _ask(client, DSL)
        first = _token(db)
        _ask(client, DSL)
        second = _token(db)
        assert client.get(f"/password-reset/{first}").status_code == 404
        assert client.get(f"/password-reset/{second}").status_code == 200
    with time_machine.travel(AT_0745 + timedelta(minutes=61), tick=False):
        expired = client.get(f"/password-reset/{second}")

    assert expired.status_code == 404
    assert "This link has expired" in expired.get_data(as_text=True)
    db.expire_all()
    assert db.exec(select(User)).one().password_hash  # unchanged


def test_it_never_takes_an_invitation_for_a_reset_or_a_reset_for_an_invitation(app, db, dsl):
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _ask(client, DSL)
        token = _token(db)
        assert client.get(f"/invitation/{token}").status_code == 404
    assert db.exec(select(Invitation)).one().purpose == "reset"


def test_it_sends_one_address_at_most_three_links_a_window_and_says_the_same(app, db, dsl):
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        answers = [_ask(client, DSL).headers["Location"] for _ in range(5)]
    with time_machine.travel(AT_0745 + timedelta(minutes=16), tick=False):
        _ask(client, DSL)

    assert set(answers) == {"/password-reset/sent"}
    assert len(_reset_mails(db)) == 4


def test_it_limits_requests_from_one_network(make_app, db, dsl):
    app = make_app(LOGIN_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        statuses = [_ask(client, f"guess{n}@school.example.org").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_it_sends_nothing_to_a_deactivated_account(app, db, dsl, cli):
    assert cli("users", "deactivate", DSL).exit_code == 0
    with time_machine.travel(AT_0745, tick=False):
        assert _ask(app.test_client(), DSL).headers["Location"] == "/password-reset/sent"
    assert _reset_mails(db) == []


def test_it_lifts_a_lock_from_failed_sign_ins(make_app, db, dsl):
    app = make_app(LOGIN_MAX_FAILURES=2)
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        for _ in range(2):
            page = client.get("/login").get_data(as_text=True)
            client.post(
                "/login", data={"email": DSL, "password": "wrong", "csrf_token": csrf_token(page)}
            )
        page = client.get("/login").get_data(as_text=True)
        locked = client.post(
            "/login", data={"email": DSL, "password": PASSWORD, "csrf_token": csrf_token(page)}
        )
        assert locked.status_code == 429
        _ask(client, DSL)
        assert _choose(client, _token(db)).status_code == 302
        assert client.get("/dsl/").status_code == 200


def test_it_says_on_the_sign_in_page_that_a_notification_waits_and_where_to_get_help(client):
    plain = client.get("/login").get_data(as_text=True)
    from_link = client.get("/login?next=/a/abc123").get_data(as_text=True)

    assert "A notification is waiting for you" not in plain
    assert "A notification is waiting for you" in from_link
    assert 'href="/password-reset?next=/a/abc123"' in from_link
    assert "council's Operation Encompass coordinator" in from_link
