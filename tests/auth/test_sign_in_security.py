"""Sign-in: lockout, rate limits, the authenticator-app step, idle sessions, cookie flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import text
from sqlmodel import select

from encompass.auth.users import change_role
from encompass.models import AuditEvent, User
from tests.factories import PASSWORD, create_setting, create_user
from tests.helpers import csrf_token, sign_in, totp_code

COORDINATOR = "coord@york.example.gov.uk"
DSL = "helen@school.example.org"


def _post_login(client, email, password=PASSWORD, next_url=""):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def _post_code(client, code):
    page = client.get("/login/two-factor").get_data(as_text=True)
    return client.post("/login/two-factor", data={"code": code, "csrf_token": csrf_token(page)})


def _actions(db):
    db.commit()
    return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]


# --- lockout and rate limits --------------------------------------------------------------


def test_it_locks_an_account_after_too_many_wrong_passwords(make_app, db):
    app = make_app(LOGIN_MAX_FAILURES=3)
    client = app.test_client()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")

    for _ in range(3):
        assert _post_login(client, DSL, "wrong password!").status_code == 400
    locked = _post_login(client, DSL)

    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    assert client.get("/dsl/").status_code == 302  # not signed in
    assert _actions(db)[-1] == "signin.locked"


def test_it_unlocks_after_the_window_or_by_command(make_app, db, cli):
    app = make_app(LOGIN_MAX_FAILURES=2, RATE_LIMIT_WINDOW_MINUTES=15)
    client = app.test_client()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    for _ in range(2):
        _post_login(client, DSL, "wrong password!")
    assert _post_login(client, DSL).status_code == 429

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=False):
        assert _post_login(client, DSL).status_code == 302

    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/logout").get_data(as_text=True))}
    )
    for _ in range(2):
        _post_login(client, DSL, "wrong password!")
    assert _post_login(client, DSL).status_code == 429
    result = cli("users", "unlock", DSL)
    assert result.exit_code == 0, result.output
    assert _post_login(client, DSL).status_code == 302


def test_it_locks_an_unknown_address_the_same_way_so_locks_reveal_no_accounts(make_app, db):
    app = make_app(LOGIN_MAX_FAILURES=2)
    client = app.test_client()

    responses = [_post_login(client, "nobody@example.org", "wrong password!") for _ in range(3)]

    assert [r.status_code for r in responses] == [400, 400, 429]


def test_it_limits_failed_sign_ins_from_one_address_across_accounts(make_app, db):
    app = make_app(LOGIN_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")

    for n in range(3):
        _post_login(client, f"guess{n}@example.org", "wrong password!")

    assert _post_login(client, DSL).status_code == 429


def test_it_counts_in_the_database_so_every_web_process_sees_the_same_count(make_app, db):
    first, second = make_app(LOGIN_MAX_FAILURES=2), make_app(LOGIN_MAX_FAILURES=2)
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")

    _post_login(first.test_client(), DSL, "wrong password!")
    _post_login(second.test_client(), DSL, "wrong password!")

    assert _post_login(first.test_client(), DSL).status_code == 429


def test_it_refuses_a_sign_in_post_without_a_csrf_token_and_counts_nothing(client, db):
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")

    response = client.post("/login", data={"email": DSL, "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/dsl/").status_code == 302
    assert _actions(db) == []


# --- the authenticator app ----------------------------------------------------------------


def test_it_does_not_sign_in_a_coordinator_with_a_password_alone(client, db):
    create_user(db, COORDINATOR, "coordinator", la_code="816")

    response = _post_login(client, COORDINATOR)

    assert response.headers["Location"] == "/login/two-factor"
    assert client.get("/admin/settings").status_code == 302
    assert client.get("/admin/settings").headers["Location"].startswith("/login")
    assert "signin.ok" not in _actions(db)


def test_it_sets_up_the_app_on_a_coordinators_first_sign_in(client, db):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _post_login(client, COORDINATOR)

    page = client.get("/login/two-factor").get_data(as_text=True)

    assert "Set up an authenticator app" in page
    assert "otpauth://totp/" in page
    user = db.exec(select(User).where(User.email == COORDINATOR)).one()
    assert user.totp_enabled_at is None
    assert "".join(page.split('id="totp-secret">')[1].split("<")[0].split()) == user.totp_secret
    raw = db.execute(text("SELECT totp_secret FROM user_account")).scalar_one()
    assert raw.startswith("fernet:") and user.totp_secret not in raw

    done = _post_code(client, totp_code(client, COORDINATOR))

    assert done.status_code == 302
    assert client.get("/admin/settings").status_code == 200
    db.refresh(user)
    assert user.totp_enabled_at is not None
    assert {"two_factor.enrolled", "signin.ok"} <= set(_actions(db))


def test_it_refuses_a_wrong_code_and_a_replayed_code(make_app, db):
    app = make_app()
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    first = app.test_client()
    sign_in(first, COORDINATOR)
    user = db.exec(select(User).where(User.email == COORDINATOR)).one()
    db.refresh(user)
    used = pyotp.TOTP(user.totp_secret).generate_otp(user.totp_last_step)

    second = app.test_client()
    _post_login(second, COORDINATOR)
    wrong = _post_code(second, "000000" if used != "000000" else "111111")
    replayed = _post_code(second, used)

    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)
    assert replayed.status_code == 400
    assert second.get("/admin/settings").status_code == 302
    assert _actions(db).count("signin.failed") == 2


def test_it_locks_after_too_many_wrong_codes(make_app, db):
    app = make_app(LOGIN_MAX_FAILURES=2)
    client = app.test_client()
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _post_login(client, COORDINATOR)
    _post_code(client, "000001")
    _post_code(client, "000002")

    right = _post_code(client, totp_code(client, COORDINATOR))

    assert right.status_code == 429
    assert client.get("/admin/settings").status_code == 302


def test_it_forgets_a_half_finished_sign_in_after_five_minutes(client, db):
    create_user(db, COORDINATOR, "coordinator", la_code="816")
    _post_login(client, COORDINATOR)

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=False):
        response = client.get("/login/two-factor")

    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_it_offers_the_app_to_a_dsl_and_asks_for_it_once_set_up(make_app, db):
    app = make_app()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    client = app.test_client()
    assert _post_login(client, DSL).headers["Location"] == "/"  # no app yet: password only

    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Set up an authenticator app" in page
    client.post(
        "/account/two-factor",
        data={"code": totp_code(client, DSL), "csrf_token": csrf_token(page)},
    )

    again = app.test_client()
    assert _post_login(again, DSL).headers["Location"] == "/login/two-factor"
    assert _post_code(again, totp_code(again, DSL)).status_code == 302
    assert again.get("/dsl/").status_code == 200


def test_it_asks_for_the_app_when_a_signed_in_users_role_now_needs_one(client, db):
    create_setting(db)
    user = create_user(db, DSL, "dsl", setting_urn="121212")
    sign_in(client, DSL)
    change_role(db, user, role="coordinator", la_code="816", now=datetime.now(UTC))
    db.commit()

    response = client.get("/admin/settings")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor"
    assert client.get("/dsl/").status_code == 403  # the new role applies at once
    assert "user.role_changed" in _actions(db)


# --- sessions -----------------------------------------------------------------------------


def test_it_signs_out_a_session_left_idle(make_app, db):
    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    sign_in(client, DSL)
    start = datetime.now(UTC)

    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/dsl/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get("/dsl/").status_code == 200  # activity keeps it alive
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get("/dsl/")

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_it_ends_every_session_after_its_maximum_length(make_app, db):
    app = make_app(SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=2)
    client = app.test_client()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    sign_in(client, DSL)
    start = datetime.now(UTC)
    for minutes in range(20, 120, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/dsl/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=121), tick=False):
        assert client.get("/dsl/").status_code == 302


def test_it_ends_a_deactivated_users_session_at_once(client, db, cli):
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    sign_in(client, DSL)

    assert cli("users", "deactivate", DSL).exit_code == 0

    assert client.get("/dsl/").status_code == 302


def test_it_sets_secure_cookie_flags(make_app, db):
    from encompass.config.environment import load

    app = make_app()
    client = app.test_client()
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": DSL, "password": PASSWORD, "csrf_token": token})

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    production = load(
        "production",
        {
            "SECRET_KEY": "x" * 32,
            "ENCOMPASS_DATA_KEYS": "dGVzdGluZy1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYiE=",
        },
    )
    assert production["SESSION_COOKIE_SECURE"] and production["REMEMBER_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_it_never_redirects_off_site_after_sign_in(client, db):
    create_setting(db)
    create_user(db, DSL, "dsl", setting_urn="121212")

    for target in ("//evil.example.org/", "https://evil.example.org/", "/\\evil.example.org"):
        response = _post_login(client, DSL, next_url=target)
        assert response.headers["Location"] == "/", target
        client.post(
            "/logout", data={"csrf_token": csrf_token(client.get("/logout").get_data(as_text=True))}
        )
