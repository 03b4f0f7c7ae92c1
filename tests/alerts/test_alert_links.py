"""Alert links: random, per recipient, stored as a hash, expiring, bound to their first
reader, rate limited, and never a way to data without signing in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from encompass.auth.passwords import token_hash
from encompass.models import Alert, AlertLink, AuditEvent, Delivery
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    create_user,
    submit_notice,
)
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.clock

HELEN, JAMES = "helen@school.example.org", "james@school.example.org"


def _submit(db, client):
    setting = create_setting(db)
    create_key_adult(db, setting, name="Helen Carter", email=HELEN)
    create_key_adult(db, setting, name="James Moss", email=JAMES, phone="+447911100002")
    create_pupil(db, setting)
    _, key = create_force(db)
    submit_notice(client, key)
    create_user(db, HELEN, "dsl", setting_urn="121212")
    create_user(db, JAMES, "dsl", setting_urn="121212")
    return db.exec(select(Alert)).one()


def _tokens(db) -> dict[str, str]:
    """The token in each recipient's e-mail, as they would click it."""
    out = {}
    for delivery in db.exec(select(Delivery).where(Delivery.channel == "email")):
        out[delivery.to_address] = re.search(r"/a/([A-Za-z0-9_-]+)", delivery.body).group(1)
    return out


def _sign_out(client):
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/logout").get_data(as_text=True))}
    )


def test_it_gives_each_recipient_their_own_random_link_stored_only_as_a_hash(client, db):
    _submit(db, client)
    tokens = _tokens(db)
    links = db.exec(select(AlertLink)).all()

    assert len(set(tokens.values())) == 2 and all(len(t) >= 43 for t in tokens.values())
    stored = {link.token_hash for link in links}
    assert stored == {token_hash(t) for t in tokens.values()}
    assert not any(t in stored for t in tokens.values())


def test_it_shows_nothing_without_sign_in_even_to_the_right_link(client, db):
    _submit(db, client)
    token = _tokens(db)[HELEN]

    response = client.get(f"/a/{token}")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302 and "Amelia" not in response.get_data(as_text=True)
    assert "Amelia" not in login_page and "Brown" not in login_page


def test_it_refuses_an_expired_link_before_and_after_sign_in(make_app, db):
    app = make_app(ALERT_LINK_TTL_HOURS=2)
    client = app.test_client()
    alert = _submit(db, client)
    token = _tokens(db)[HELEN]

    latest = max(alert.created_at, alert.due_by)
    with time_machine.travel(latest + timedelta(hours=2, minutes=1), tick=False):
        anonymous = client.get(f"/a/{token}")
        sign_in(client, HELEN)
        signed_in = client.get(f"/a/{token}")

    assert anonymous.status_code == 404 and signed_in.status_code == 404
    link = db.exec(select(AlertLink).where(AlertLink.token_hash == token_hash(token))).one()
    assert link.expires_at - latest <= timedelta(hours=2, seconds=5)


def test_it_lets_the_first_reader_reuse_their_link_but_nobody_else(make_app, db):
    app = make_app()
    helen, james = app.test_client(), app.test_client()
    alert = _submit(db, helen)
    token = _tokens(db)[HELEN]
    sign_in(helen, HELEN)
    sign_in(james, JAMES)

    first = helen.get(f"/a/{token}")
    again = helen.get(f"/a/{token}")
    forwarded = james.get(f"/a/{token}")

    assert first.headers["Location"] == f"/alerts/{alert.id}"
    assert again.headers["Location"] == f"/alerts/{alert.id}"
    assert forwarded.status_code == 404
    refused = db.exec(select(AuditEvent).where(AuditEvent.action == "alert_link.refused")).all()
    assert [e.detail for e in refused] == ["already used by another user"]


def test_it_asks_for_sign_in_again_when_a_used_link_is_opened_after_sign_out(client, db):
    _submit(db, client)
    token = _tokens(db)[HELEN]
    sign_in(client, HELEN)
    client.get(f"/a/{token}")
    _sign_out(client)

    response = client.get(f"/a/{token}")

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_it_stops_an_address_that_tries_too_many_bad_links(make_app, db):
    app = make_app(ALERT_LINK_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    _submit(db, client)

    bad = [client.get(f"/a/guessed-token-{n}").status_code for n in range(5)]

    assert bad == [404, 404, 404, 429, 429]


def test_it_serves_a_live_link_from_an_address_over_its_failure_limit(make_app, db):
    """A school behind one shared address is not locked out by one broken client."""
    app = make_app(ALERT_LINK_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    _submit(db, client)
    token = _tokens(db)[HELEN]
    bad = [client.get(f"/a/guessed-token-{n}").status_code for n in range(50)]

    good = client.get(f"/a/{token}")
    sign_in(client, HELEN)
    opened = client.get(f"/a/{token}")

    assert bad[-1] == 429
    assert good.status_code == 302 and good.headers["Location"].startswith("/login")
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/alerts/")


def test_it_counts_a_signed_in_users_bad_links_against_them_not_their_address(make_app, db):
    app = make_app(ALERT_LINK_FAILURES_PER_ADDRESS=3)
    helen, james = app.test_client(), app.test_client()
    _submit(db, helen)
    sign_in(helen, HELEN)
    sign_in(james, JAMES)

    helen_bad = [helen.get(f"/a/guessed-token-{n}").status_code for n in range(4)]

    assert helen_bad == [404, 404, 404, 429]
    assert james.get("/a/guessed-token-x").status_code == 404


def test_it_never_lets_a_link_token_leave_in_a_referer(client, db):
    _submit(db, client)
    response = client.get(f"/a/{_tokens(db)[HELEN]}")

    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_it_keeps_a_link_alive_until_the_deadline_plus_its_lifetime(make_app, db):
    """A notice early in a holiday: its link still opens on the first morning back."""
    app = make_app(ALERT_LINK_TTL_HOURS=2)
    client = app.test_client()
    alert = _submit(db, client)
    token = _tokens(db)[HELEN]
    link = db.exec(select(AlertLink).where(AlertLink.token_hash == token_hash(token))).one()

    assert link.expires_at == max(alert.created_at, alert.due_by) + timedelta(hours=2)
    latest = max(alert.created_at, alert.due_by)
    with time_machine.travel(latest + timedelta(hours=1, minutes=59), tick=False):
        sign_in(client, HELEN)
        assert client.get(f"/a/{token}").headers["Location"].startswith("/alerts/")
