"""The audit trail: written cheaply, sealed into a hash chain, verified, and readable by a
council's coordinators for their own notices."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from encompass.models import AuditEvent
from encompass.records import audit
from encompass.worker import tick
from tests.factories import bearer, create_user
from tests.helpers import sign_in
from tests.security_world import build_world


def _write(db, n, action="test.event"):
    for i in range(n):
        audit.record(db, action, object_type="notice", object_id=i, detail=f"entry {i}")
    db.commit()


SQLITE_GUARD = """CREATE TRIGGER audit_event_sealed_no_update BEFORE UPDATE ON audit_event
    WHEN OLD.hash IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'sealed audit entries cannot change'); END"""


@pytest.fixture
def unguarded(db):
    """What an attacker with the database password could do first: turn the trigger off.

    Put back afterwards: the test database (and its trigger) outlives this test.
    """
    postgres = db.get_bind().dialect.name == "postgresql"
    if postgres:
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    else:
        db.execute(text("DROP TRIGGER audit_event_sealed_no_update"))
    db.commit()
    yield db
    db.rollback()
    if postgres:
        db.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    else:
        db.execute(text(SQLITE_GUARD))
    db.commit()


def test_it_seals_entries_into_a_chain_that_verifies(cli, db):
    _write(db, 5)

    assert audit.seal(db) == 5
    result = cli("audit", "verify")

    assert result.exit_code == 0, result.output
    assert "5 entries sealed, 0 waiting" in result.output and "audit chain: OK" in result.output
    events = db.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))


def test_it_reports_entries_not_yet_sealed_and_the_worker_seals_them(app, cli, db):
    _write(db, 3)
    assert "0 entries sealed, 3 waiting" in cli("audit", "verify").output

    tick(app)

    assert "3 entries sealed, 0 waiting" in cli("audit", "verify").output


def test_it_refuses_to_change_a_sealed_entry(db):
    _write(db, 1)
    audit.seal(db)

    with pytest.raises(DBAPIError):
        db.execute(text("UPDATE audit_event SET detail = 'nothing happened'"))
        db.commit()
    db.rollback()


def test_it_refuses_to_delete_entries_on_postgresql(db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite: deletion is caught by `audit verify` instead")
    _write(db, 1)

    with pytest.raises(DBAPIError):
        db.execute(text("DELETE FROM audit_event"))
        db.commit()
    db.rollback()


def test_it_detects_an_entry_changed_after_sealing(cli, db, unguarded):
    _write(db, 4)
    audit.seal(db)
    db.execute(text("UPDATE audit_event SET detail = 'nothing to see' WHERE seq = 2"))
    db.commit()

    result = cli("audit", "verify")

    assert result.exit_code != 0
    assert "entry 2" in result.output and "changed after it was sealed" in result.output


def test_it_detects_an_entry_removed_from_the_middle(cli, db, unguarded):
    _write(db, 4)
    audit.seal(db)
    db.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    db.commit()

    result = cli("audit", "verify")

    assert result.exit_code != 0
    assert "missing" in result.output


def test_it_keeps_concurrent_writers_cheap_and_seals_them_all(app, cli, db):
    engine = app.extensions["encompass_engine"]

    def writer(n):
        with Session(engine) as session:
            for i in range(10):
                audit.record(session, "test.concurrent", object_id=n * 100 + i)
                session.commit()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    sealers = [threading.Thread(target=lambda: audit.seal(Session(engine))) for _ in range(2)]
    for t in threads + sealers:
        t.start()
    for t in threads + sealers:
        t.join()
    while audit.seal(db):
        pass

    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "40 entries sealed, 0 waiting" in result.output


def test_it_records_who_when_what_and_from_where(make_app, db):
    app = make_app()
    world = build_world(db)
    client = app.test_client()
    sign_in(client, world.york.users["dsl"])
    client.get(f"/alerts/{world.york.alert_id}")

    event = db.exec(select(AuditEvent).where(AuditEvent.action == "alert.viewed")).one()

    assert event.user_id is not None and event.at is not None
    assert (event.object_type, event.object_id) == ("alert", world.york.alert_id)
    assert event.remote_addr == "127.0.0.1"  # the test client's address


def test_it_shows_a_coordinator_who_has_seen_their_councils_notice(make_app, db):
    app = make_app()
    world = build_world(db)
    york = world.york
    dsl, police = app.test_client(), app.test_client()
    sign_in(dsl, york.users["dsl"])
    sign_in(police, york.users["police"])
    dsl.get(f"/alerts/{york.alert_id}")
    police.get(f"/police/notices/{york.notice_id}")
    app.test_client().get(f"/api/v1/notices/{york.notice_id}", headers=bearer(york.api_key))

    coordinator = app.test_client()
    sign_in(coordinator, york.users["coordinator"])
    found = coordinator.get("/admin/access?reference=YO-2026-000001").get_data(as_text=True)
    page = coordinator.get(f"/admin/notices/{york.notice_id}/access")
    html = page.get_data(as_text=True)

    assert f"/admin/notices/{york.notice_id}/access" in found
    assert page.status_code == 200
    assert york.users["dsl"] in html and "alert.viewed" in html
    assert york.users["police"] in html and "notice.viewed" in html
    assert "North Yorkshire Police (API)" in html
    assert "Amelia" not in html  # who looked, not what they saw

    other = app.test_client()
    sign_in(other, world.leeds.users["coordinator"])
    assert other.get(f"/admin/notices/{york.notice_id}/access").status_code == 404
    search = other.get("/admin/access?reference=YO-2026-000001").get_data(as_text=True)
    assert "No notice from your council has that police reference" in search


def test_it_audits_role_changes_imports_and_user_creation(cli, db):
    create_user(db, "helen@school.example.org", "admin")
    result = cli("users", "set-role", "helen@school.example.org", "coordinator", "--la", "816")
    assert result.exit_code == 0, result.output
    created = cli(
        "users",
        "create",
        "--email",
        "pat@example.org",
        "--role",
        "admin",
        input="a long enough password\n",
    )
    assert created.exit_code == 0, created.output

    events = {e.action: e for e in db.exec(select(AuditEvent))}

    assert events["user.role_changed"].detail == "admin -> coordinator (council 816)"
    assert events["user.created"].detail == "admin"
