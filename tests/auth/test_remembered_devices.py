"""Two-factor that people can live with: a QR code to set the app up, and a device that can
be remembered for the working day (listed, forgotten one by one, ended everywhere)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from encompass.models import AuditEvent, RememberedDevice
from tests.factories import PASSWORD, create_user
from tests.helpers import csrf_token, totp_code

pytestmark = pytest.mark.clock

COORDINATOR = "claire@york.example.gov.uk"
OTHER = "raj@york.example.gov.uk"
AT_0745 = datetime(2026, 11, 23, 7, 45, tzinfo=UTC)
COOKIE = "encompass_device"


def _password(client, email=COORDINATOR):
    page = client.get("/login").get_data(as_text=True)
    return client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )


def _code(client, email=COORDINATOR, *, remember):
    page = client.get("/login/two-factor").get_data(as_text=True)
    data = {"code": totp_code(client, email), "csrf_token": csrf_token(page)}
    if remember:
        data["remember"] = "y"
    return client.post("/login/two-factor", data=data)


def _sign_in(client, email=COORDINATOR, *, remember):
    assert _password(client, email).headers["Location"].startswith("/login/two-factor")
    done = _code(client, email, remember=remember)
    assert done.status_code == 302, done.get_data(as_text=True)
    return done


@pytest.fixture
def coordinator(db):
    return create_user(db, COORDINATOR, "coordinator", la_code="816")


def _post(client, url):
    page = client.get("/account").get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page)})


def test_it_shows_a_qr_code_beside_the_key_in_groups_of_four(client, coordinator):
    _password(client)
    response = client.get("/login/two-factor")
    page = response.get_data(as_text=True)

    assert '<svg role="img" aria-label="QR code to scan' in page
    key = page.split('id="totp-secret">', 1)[1].split("<", 1)[0]
    assert all(len(group) == 4 for group in key.split(" ")) and len(key.replace(" ", "")) == 32
    policy = response.headers["Content-Security-Policy"]
    assert (
        "unsafe-inline" not in policy
        and "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]
    )


def test_it_asks_a_remembered_device_for_the_password_alone_until_the_day_ends(
    app, db, coordinator
):
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        page = _password(client) and client.get("/login/two-factor").get_data(as_text=True)
        assert "Do not ask for a code on this device until 19:45 today" in page
        done = _code(client, remember=True)
        assert done.status_code == 302 and client.get_cookie(COOKIE) is not None
    # Idle for 40 minutes: signed out, and back in with the password alone.
    with time_machine.travel(AT_0745 + timedelta(minutes=40), tick=False):
        assert client.get("/admin/attention").status_code == 302
        again = _password(client)
        assert again.headers["Location"] == "/"
        assert client.get("/admin/attention").status_code == 200
    # After the working day the code is asked for again.
    with time_machine.travel(AT_0745 + timedelta(hours=12, minutes=1), tick=False):
        client.get("/logout")
        fresh = app.test_client()
        fresh.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
        assert _password(fresh).headers["Location"].startswith("/login/two-factor")

    details = [
        e.detail for e in db.exec(select(AuditEvent).where(AuditEvent.action == "signin.ok"))
    ]
    assert details == ["password and authenticator app", "password and remembered device"]


def test_it_asks_for_the_code_again_when_the_device_was_not_remembered(app, coordinator):
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _sign_in(client, remember=False)
    with time_machine.travel(AT_0745 + timedelta(minutes=40), tick=False):
        assert client.get_cookie(COOKIE) is None
        assert _password(client).headers["Location"].startswith("/login/two-factor")


def test_it_lists_remembered_devices_and_forgets_one(app, db, coordinator):
    phone, laptop = app.test_client(), app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0"
        _sign_in(phone, remember=True)
    with time_machine.travel(AT_0745 + timedelta(minutes=1), tick=False):
        laptop.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"
        _sign_in(laptop, remember=True)
        page = laptop.get("/account").get_data(as_text=True)
        assert "Chrome on Android" in page and "Firefox on Windows</strong> (this device)" in page

        android = db.exec(
            select(RememberedDevice).where(RememberedDevice.label.startswith("Chrome"))
        ).one()
        assert _post(laptop, f"/account/devices/{android.id}/forget").status_code == 302
        page = laptop.get("/account").get_data(as_text=True)
        assert "Chrome on Android is no longer remembered" in page
        assert "<strong>Chrome on Android" not in page and "<strong>Firefox on Windows" in page
    with time_machine.travel(AT_0745 + timedelta(minutes=50), tick=False):
        assert _password(phone).headers["Location"].startswith("/login/two-factor")
        assert _password(laptop).headers["Location"] == "/"
    assert "device.forgotten" in {e.action for e in db.exec(select(AuditEvent))}


def test_it_never_forgets_someone_elses_device(app, db, coordinator):
    create_user(db, OTHER, "coordinator", la_code="816")
    theirs, mine = app.test_client(), app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _sign_in(theirs, OTHER, remember=True)
        _sign_in(mine, remember=False)
        device = db.exec(select(RememberedDevice)).one()
        assert _post(mine, f"/account/devices/{device.id}/forget").status_code == 404
    db.expire_all()
    assert db.get(RememberedDevice, device.id).ended_at is None


def test_it_ignores_a_device_cookie_of_another_account_or_tampered(app, db, coordinator):
    create_user(db, OTHER, "coordinator", la_code="816")
    theirs = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _sign_in(theirs, OTHER, remember=True)
        stolen = theirs.get_cookie(COOKIE).value
        for value in (stolen, stolen[:-2] + "xx"):
            mine = app.test_client()
            mine.set_cookie(COOKIE, value)
            assert _password(mine).headers["Location"].startswith("/login/two-factor")


def test_it_forgets_every_device_when_signed_out_everywhere(app, db, coordinator):
    phone, laptop = app.test_client(), app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _sign_in(phone, remember=True)
    with time_machine.travel(AT_0745 + timedelta(minutes=1), tick=False):
        _sign_in(laptop, remember=True)
        done = _post(laptop, "/account/sign-out-everywhere")
        assert done.headers["Location"] == "/login"
        assert laptop.get("/admin/attention").status_code == 302
        assert phone.get("/admin/attention").status_code == 302
        assert laptop.get_cookie(COOKIE) is None
    with time_machine.travel(AT_0745 + timedelta(minutes=2), tick=False):
        assert _password(phone).headers["Location"].startswith("/login/two-factor")
    db.expire_all()
    assert {d.ended_reason for d in db.exec(select(RememberedDevice))} == {"signed out everywhere"}


def test_it_forgets_every_device_when_the_password_changes(app, db, coordinator, cli):
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _sign_in(client, remember=True)
        result = cli("users", "reset-password", COORDINATOR, input="another long password 9\n")
        assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.exec(select(RememberedDevice)).one().ended_reason == "password changed"


def test_it_turns_remembering_off_with_zero_hours(make_app, db, coordinator):
    app = make_app(REMEMBER_DEVICE_HOURS=0)
    client = app.test_client()
    with time_machine.travel(AT_0745, tick=False):
        _password(client)
        page = client.get("/login/two-factor").get_data(as_text=True)
        assert "Do not ask for a code" not in page
        _code(client, remember=True)
    assert client.get_cookie(COOKIE) is None and db.exec(select(RememberedDevice)).all() == []
