"""A coordinator helps a Key Adult who cannot sign in, from the setting's page: a reset
link by e-mail, a reset authenticator app, an unlocked account. Audited with who did it,
and only for their own council's Key Adults' own accounts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlmodel import select

from encompass.auth.two_factor import new_secret
from encompass.models import AuditEvent, Delivery, User, UserSession
from tests.factories import PASSWORD, create_key_adult, create_setting, create_user
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.clock

AT_0750 = datetime(2026, 11, 23, 7, 50, tzinfo=UTC)
DSL = "helen@school.example.org"
YORK, LEEDS = "coord@york.example.gov.uk", "coord@leeds.example.gov.uk"


@pytest.fixture
def school(db):
    """St Wilfrid's (York, 816) and its DSL, whose account is linked to her Key Adult row."""
    setting = create_setting(db)
    adult = create_key_adult(db, setting, "dsl", "Helen Carter", email=DSL)
    user = create_user(db, DSL, "dsl", setting_urn=setting.urn)
    adult.user_id = user.id
    db.add(adult)
    db.commit()
    create_user(db, YORK, "coordinator", la_code="816")
    create_user(db, LEEDS, "coordinator", la_code="383")
    return setting, adult


def _post(client, url):
    page = client.get("/logout").get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page)})


def _audit(db, action):
    db.expire_all()
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def _coordinator_id(db, email=YORK):
    return db.exec(select(User).where(User.email == email)).one().id


def test_it_emails_a_reset_link_the_coordinator_never_sees(app, db, school):
    setting, adult = school
    coordinator = app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        sign_in(coordinator, YORK)
        page = coordinator.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
        assert "Send password reset link" in page
        done = _post(coordinator, f"/admin/key-adults/{adult.id}/password-reset")
        shown = coordinator.get(done.headers["Location"]).get_data(as_text=True)

    [mail] = db.exec(select(Delivery).where(Delivery.reason == "password_reset")).all()
    assert mail.to_address == DSL and "/password-reset/" in mail.body
    assert "coordinator has sent you this link" in mail.body
    token = mail.body.split("/password-reset/", 1)[1].split()[0]
    assert token not in shown and f"on its way to {DSL}" in shown
    [event] = _audit(db, "password_reset.sent")
    assert event.user_id == _coordinator_id(db) and event.object_id == adult.user_id


def test_it_resets_an_authenticator_app_and_signs_the_key_adult_out(app, db, school):
    setting, adult = school
    dsl, coordinator = app.test_client(), app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        user = db.get(User, adult.user_id)
        user.totp_secret, user.totp_enabled_at = new_secret(), AT_0750
        db.add(user)
        db.commit()
        sign_in(dsl, DSL)
        assert dsl.get("/dsl/").status_code == 200
        sign_in(coordinator, YORK)
        page = coordinator.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
        assert "Authenticator app set up" in page and "Reset authenticator app" in page

        done = _post(coordinator, f"/admin/key-adults/{adult.id}/two-factor-reset")

        assert done.status_code == 302
        assert dsl.get("/dsl/").status_code == 302  # signed out everywhere
        sign_in(dsl, DSL)  # password alone now: the old app is forgotten
        assert dsl.get("/dsl/").status_code == 200
    db.expire_all()
    user = db.get(User, adult.user_id)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert "two-factor reset" in {s.ended_reason for s in db.exec(select(UserSession))}
    [event] = _audit(db, "two_factor.reset")
    assert event.user_id == _coordinator_id(db) and event.object_id == user.id


def test_it_shows_a_locked_account_and_unlocks_it(make_app, db, school):
    app = make_app(LOGIN_MAX_FAILURES=2)
    setting, adult = school
    dsl, coordinator = app.test_client(), app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        for _ in range(2):
            page = dsl.get("/login").get_data(as_text=True)
            dsl.post(
                "/login", data={"email": DSL, "password": "no", "csrf_token": csrf_token(page)}
            )
        sign_in(coordinator, YORK)
        page = coordinator.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
        assert "Locked" in page and "Unlock account" in page

        _post(coordinator, f"/admin/key-adults/{adult.id}/unlock")

        page = coordinator.get(f"/admin/settings/{setting.id}").get_data(as_text=True)
        assert "Unlock account" not in page
        sign_in(dsl, DSL, PASSWORD)
    [event] = _audit(db, "user.unlocked")
    assert event.user_id == _coordinator_id(db)


def test_it_refuses_another_councils_coordinator_and_other_roles(app, db, school):
    setting, adult = school
    leeds, dsl = app.test_client(), app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        sign_in(leeds, LEEDS)
        sign_in(dsl, DSL)
        for action in ("password-reset", "two-factor-reset", "unlock"):
            url = f"/admin/key-adults/{adult.id}/{action}"
            assert _post(leeds, url).status_code == 404, action
            assert _post(dsl, url).status_code == 403, action
    assert db.exec(select(Delivery)).all() == []
    assert _audit(db, "two_factor.reset") == [] and _audit(db, "user.unlocked") == []


def test_it_never_touches_a_coordinators_account_through_a_key_adult_row(app, db, school):
    """A council coordinator who is also listed at a setting keeps their own account safe."""
    setting, _ = school
    listed = create_key_adult(db, setting, "deputy", "Claire Booth", email=LEEDS)
    listed.user_id = _coordinator_id(db, LEEDS)
    db.add(listed)
    db.commit()
    coordinator = app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        sign_in(coordinator, YORK)
        for action in ("password-reset", "two-factor-reset", "unlock"):
            url = f"/admin/key-adults/{listed.id}/{action}"
            assert _post(coordinator, url).status_code == 404, action
    assert db.exec(select(Delivery)).all() == []


def test_it_refuses_a_post_without_a_csrf_token(app, db, school):
    _, adult = school
    coordinator = app.test_client()
    sign_in(coordinator, YORK)
    response = coordinator.post(f"/admin/key-adults/{adult.id}/password-reset")
    assert response.status_code == 400
    assert db.exec(select(Delivery)).all() == []


ADMIN = "admin@council.example.gov.uk"


def test_an_admin_resets_a_coordinators_authenticator_app_from_the_coordinators_page(app, db):
    create_user(db, YORK, "coordinator", la_code="816")
    create_user(db, ADMIN, "admin")
    coordinator, admin = app.test_client(), app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        sign_in(coordinator, YORK)  # sets up her app: the phone she then loses
        sign_in(admin, ADMIN)
        page = admin.get("/admin/coordinators").get_data(as_text=True)
        assert YORK in page and "Authenticator app set up" in page
        target = _coordinator_id(db)

        done = _post(admin, f"/admin/users/{target}/two-factor-reset")
        shown = admin.get(done.headers["Location"]).get_data(as_text=True)

        assert done.headers["Location"] == "/admin/coordinators"
        assert "authenticator app is reset" in shown
        assert coordinator.get("/admin/attention").status_code == 302  # signed out
        _post(admin, f"/admin/users/{target}/password-reset")
    db.expire_all()
    assert db.get(User, target).totp_enabled_at is None
    [event] = _audit(db, "two_factor.reset")
    assert event.user_id == _coordinator_id(db, ADMIN) and event.object_id == target
    [mail] = db.exec(select(Delivery).where(Delivery.reason == "password_reset")).all()
    assert mail.to_address == YORK


def test_only_an_admin_helps_coordinators_and_only_coordinators(app, db, school):
    create_user(db, ADMIN, "admin")
    york, admin = app.test_client(), app.test_client()
    with time_machine.travel(AT_0750, tick=False):
        sign_in(york, YORK)
        sign_in(admin, ADMIN)
        leeds_id = _coordinator_id(db, LEEDS)
        assert york.get("/admin/coordinators").status_code == 403
        assert _post(york, f"/admin/users/{leeds_id}/unlock").status_code == 403
        for email in (ADMIN, DSL):  # never an administrator, never a Key Adult by this door
            other = _coordinator_id(db, email)
            assert _post(admin, f"/admin/users/{other}/two-factor-reset").status_code == 404
        assert _post(admin, f"/admin/users/{leeds_id}/delete").status_code == 404
    assert _audit(db, "two_factor.reset") == [] and _audit(db, "user.unlocked") == []
