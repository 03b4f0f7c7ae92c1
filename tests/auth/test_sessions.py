"""Sessions live on the server: ending one ends every copy of its cookie at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select

from encompass.models import AuditEvent, UserSession
from tests.factories import create_setting, create_user
from tests.helpers import csrf_token, sign_in

DSL = "helen@school.example.org"
COOKIE = "encompass_session"
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _signed_in_dsl(app, db):
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    client = app.test_client()
    sign_in(client, DSL)
    return client


def _copy(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    captured = client.get_cookie(COOKIE)
    assert captured is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, captured.value)
    return thief


def _sign_out(client):
    page = client.get("/logout").get_data(as_text=True)
    return client.post("/logout", data={"csrf_token": csrf_token(page)})


def _refused(response):
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_it_refuses_a_session_cookie_replayed_after_sign_out(app, db):
    with time_machine.travel(NOON, tick=False):
        client = _signed_in_dsl(app, db)
        copy = _copy(app, client)
        assert copy.get("/dsl/").status_code == 200  # the copy works while signed in

        assert _sign_out(client).status_code == 302

        assert _refused(copy.get("/dsl/"))
        assert _refused(client.get("/dsl/"))
    db.expire_all()
    row = db.exec(select(UserSession)).one()
    assert row.ended_reason == "signed out" and row.ended_at == NOON


def test_it_keeps_the_users_other_sessions_when_one_signs_out(app, db):
    with time_machine.travel(NOON, tick=False):
        laptop = _signed_in_dsl(app, db)
        phone = app.test_client()
        sign_in(phone, DSL)

        _sign_out(laptop)

        assert phone.get("/dsl/").status_code == 200


def test_it_ends_every_copy_of_every_session_when_signed_out_everywhere(app, db, cli):
    with time_machine.travel(NOON, tick=False):
        laptop = _signed_in_dsl(app, db)
        phone = app.test_client()
        sign_in(phone, DSL)
        copy = _copy(app, laptop)

        result = cli("users", "sign-out-everywhere", DSL)

        assert result.exit_code == 0, result.output
        assert [_refused(c.get("/dsl/")) for c in (laptop, phone, copy)] == [True] * 3
    db.expire_all()
    assert "user.signed_out_everywhere" in [e.action for e in db.exec(select(AuditEvent))]


def test_it_ends_a_copied_session_when_the_user_is_deactivated(app, db, cli):
    with time_machine.travel(NOON, tick=False):
        client = _signed_in_dsl(app, db)
        copy = _copy(app, client)

        assert cli("users", "deactivate", DSL).exit_code == 0
        assert cli("users", "activate", DSL).exit_code == 0

        # Activating again does not bring the old sessions back.
        assert _refused(copy.get("/dsl/"))


def test_it_ends_sessions_when_the_password_or_the_authenticator_app_is_reset(app, db, cli):
    with time_machine.travel(NOON, tick=False):
        client = _signed_in_dsl(app, db)
        result = cli("users", "reset-password", DSL, input="a brand new password 42\n")
        assert result.exit_code == 0, result.output
        assert _refused(client.get("/dsl/"))

        sign_in(client, DSL, "a brand new password 42")
        assert client.get("/dsl/").status_code == 200
        assert cli("users", "reset-two-factor", DSL).exit_code == 0
        assert _refused(client.get("/dsl/"))


def test_it_refuses_a_too_short_new_password_with_a_one_line_reason(app, db, cli):
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")

    result = cli("users", "reset-password", DSL, input="short\n")

    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_it_does_not_let_a_replayed_cookie_refresh_an_idle_session(make_app, db):
    app = make_app(SESSION_IDLE_MINUTES=30)
    with time_machine.travel(NOON, tick=False):
        client = _signed_in_dsl(app, db)
        old_copy = _copy(app, client)
    with time_machine.travel(NOON + timedelta(minutes=31), tick=False):
        assert _refused(old_copy.get("/dsl/"))
        # The idle session is ended on the server: the original cookie is refused too.
        assert _refused(client.get("/dsl/"))
