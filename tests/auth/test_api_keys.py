"""Force API keys: shown once, stored hashed, rotated with an overlap, revoked, last use
recorded; the API rate limited per key and per address."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select

from encompass.models import ApiKey, AuditEvent
from tests.factories import bearer, create_force, notice_body

FORCE = "North Yorkshire Police"
KEY_LINE = re.compile(r"API key \(shown once, store it now\): (enc_\S+)")


def _get(client, key):
    return client.get("/api/v1/notices/999", headers=bearer(key)).status_code


def test_it_rotates_a_key_with_an_overlap_when_both_work(cli, client, db):
    _, old = create_force(db, FORCE)

    result = cli("forces", "rotate-key", FORCE, "--overlap-hours", "2")

    assert result.exit_code == 0, result.output
    (new,) = KEY_LINE.findall(result.output)
    assert new != old
    assert _get(client, new) == 404 and _get(client, old) == 404  # authenticated: no such notice
    later = datetime.now(UTC) + timedelta(hours=2, minutes=1)
    with time_machine.travel(later, tick=False):
        assert _get(client, new) == 404
        assert _get(client, old) == 401
    rows = db.exec(select(ApiKey).order_by(ApiKey.id)).all()
    assert [r.key_hash for r in rows if r.key_hash in (old, new)] == []  # only hashes stored
    assert "key_rotated" in " ".join(e.action for e in db.exec(select(AuditEvent)))


def test_it_revokes_keys_at_once(cli, client, db):
    _, key = create_force(db, FORCE)
    assert _get(client, key) == 404

    result = cli("forces", "revoke-key", FORCE)

    assert result.exit_code == 0, result.output
    assert _get(client, key) == 401
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "force.key_revoked")).one()


def test_it_revokes_only_the_key_with_the_prefix_given(cli, client, db):
    _, old = create_force(db, FORCE)
    (new,) = KEY_LINE.findall(cli("forces", "rotate-key", FORCE).output)

    result = cli("forces", "revoke-key", FORCE, "--prefix", old[:10])

    assert result.exit_code == 0, result.output
    assert _get(client, old) == 401 and _get(client, new) == 404
    listing = cli("forces", "keys", FORCE).output
    assert new not in listing and old not in listing and old[:10] in listing


def test_it_refuses_an_unknown_force_with_a_one_line_reason(cli, db):
    result = cli("forces", "rotate-key", "Atlantis Police")

    assert result.exit_code != 0
    assert "no police force named 'Atlantis Police'" in result.output


def test_it_records_when_a_key_was_last_used(client, db):
    _, key = create_force(db, FORCE)
    (row,) = db.exec(select(ApiKey)).all()
    assert row.last_used_at is None

    client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))

    db.refresh(row)
    assert row.last_used_at is not None


def test_it_limits_requests_per_key(make_app, db):
    client = make_app(API_REQUESTS_PER_KEY_PER_MINUTE=3).test_client()
    _, key = create_force(db, FORCE)

    statuses = [_get(client, key) for _ in range(4)]

    assert statuses == [404, 404, 404, 429]


def test_it_limits_requests_without_a_valid_key_per_address(make_app, db):
    client = make_app(
        API_REQUESTS_PER_ADDRESS_PER_MINUTE=3, API_AUTH_FAILURES_PER_ADDRESS=100
    ).test_client()
    _, key = create_force(db, FORCE)

    statuses = [_get(client, k) for k in ("enc_a", "", "enc_b", "enc_c")]

    assert statuses == [401, 401, 401, 429]
    # A valid key is limited per key, never by what others at its address do.
    assert _get(client, key) == 404


def test_it_stops_an_address_that_keeps_sending_wrong_keys(make_app, db):
    client = make_app(API_AUTH_FAILURES_PER_ADDRESS=3).test_client()
    _, key = create_force(db, FORCE)

    wrong = [_get(client, f"enc_guess{n}") for n in range(4)]
    response = client.get("/api/v1/notices/999", headers=bearer("enc_guess9"))

    assert wrong == [401, 401, 401, 429]
    assert response.status_code == 429
    assert response.get_json()["error"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) > 0
    failures = db.exec(select(AuditEvent).where(AuditEvent.action == "api.auth_failed")).all()
    assert len(failures) == 3


def test_it_serves_a_valid_key_from_an_address_over_its_failure_limit(client, db):
    """A control room behind one shared address is not locked out by a broken client."""
    _, key = create_force(db, FORCE)

    wrong = [
        client.post("/api/v1/notices", json=notice_body(), headers=bearer(f"enc_wrong{n}"))
        for n in range(50)
    ]
    served = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))

    assert {r.status_code for r in wrong[:20]} == {401}
    assert {r.status_code for r in wrong[20:]} == {429}
    assert served.status_code == 201, served.get_json()
    assert (
        client.get(f"/api/v1/notices/{served.json['id']}", headers=bearer(key)).status_code == 200
    )
