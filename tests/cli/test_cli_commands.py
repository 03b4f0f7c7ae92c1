"""`encompass forces create`, `users create`, `tick` and `db upgrade`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, inspect, text

from encompass.auth.passwords import verify_password
from encompass.models import ApiKey, Delivery, PoliceForce, Setting, User
from tests.cli_helpers import assert_one_line_error, count, error_lines, make_cli, rows
from tests.factories import PASSWORD, bearer, create_setting, notice_body, queue_message
from tests.helpers import sign_in


@pytest.fixture
def cli(app, monkeypatch):
    return make_cli(app, monkeypatch)


def assert_usage_error(result, *fragments: str) -> str:
    """Click's usage errors: exit 2, the usage hint, then one line of reason."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    reasons = [line for line in error_lines(result) if line.startswith("Error: ")]
    assert len(reasons) == 1, result.stderr
    for fragment in fragments:
        assert fragment in reasons[0], reasons[0]
    return reasons[0]


# --- forces create ----------------------------------------------------------------------------

KEY_LINE = re.compile(r"^API key \(shown once, store it now\): (enc_\S+)$", re.MULTILINE)


def test_it_creates_a_force_and_prints_its_api_key_once(cli, db):
    result = cli("forces", "create", "North Yorkshire Police")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "created force 'North Yorkshire Police'"
    (key,) = KEY_LINE.findall(result.stdout)
    (force,) = rows(db, PoliceForce)
    assert force.name == "North Yorkshire Police"
    (stored,) = rows(db, ApiKey)
    assert key not in (stored.key_hash, stored.prefix)
    assert stored.prefix == key[:10] and stored.force_id == force.id


def test_it_prints_a_key_that_authenticates_the_api(cli, db, client):
    key = KEY_LINE.findall(cli("forces", "create", "North Yorkshire Police").stdout)[0]

    created = client.post("/api/v1/notices", json=notice_body(), headers=bearer(key))
    read = client.get(f"/api/v1/notices/{created.get_json()['id']}", headers=bearer(key))

    assert created.status_code == 201, created.get_data(as_text=True)
    assert read.status_code == 200
    assert (
        client.post("/api/v1/notices", json=notice_body(), headers=bearer(key[:-1])).status_code
        == 401
    )


def test_it_gives_each_force_its_own_key(cli, db):
    first = KEY_LINE.findall(cli("forces", "create", "North Yorkshire Police").stdout)[0]
    second = KEY_LINE.findall(cli("forces", "create", "West Yorkshire Police").stdout)[0]

    assert first != second
    assert count(db, PoliceForce) == 2


def test_it_refuses_a_second_force_with_the_same_name(cli, db):
    cli("forces", "create", "North Yorkshire Police")

    result = cli("forces", "create", "  North Yorkshire Police ")

    assert_one_line_error(result, "a force named 'North Yorkshire Police' already exists")
    assert "API key" not in result.stdout
    assert count(db, PoliceForce) == 1


@pytest.mark.parametrize(
    ("name", "reason"),
    [("   ", "force name must not be empty"), ("N" * 121, "120 characters or fewer")],
)
def test_it_refuses_a_force_name_that_is_empty_or_too_long(cli, db, name, reason):
    assert_one_line_error(cli("forces", "create", name), reason)
    assert count(db, PoliceForce) == 0


# --- users create -----------------------------------------------------------------------------


def test_it_creates_a_dsl_with_the_password_from_standard_input(cli, db, client):
    create_setting(db, urn="121212")

    result = cli(
        "users",
        "create",
        "--email",
        "Helen.Carter@School.Example.org",
        "--role",
        "dsl",
        "--setting",
        "121212",
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created dsl user helen.carter@school.example.org"
    (user,) = rows(db, User)
    assert user.setting_id is not None and user.la_code == "816"
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    sign_in(client, "helen.carter@school.example.org")


def test_it_strips_only_the_line_ending_from_the_password(cli, db):
    cli(
        "users",
        "create",
        "--email",
        "a@york.gov.uk",
        "--role",
        "admin",
        input=" spaced password \r\n",
    )

    (user,) = rows(db, User)
    assert verify_password(user.password_hash, " spaced password ")


def test_it_creates_a_police_user_for_a_named_force(cli, db):
    cli("forces", "create", "North Yorkshire Police")

    result = cli(
        "users",
        "create",
        "--email",
        "control.room@northyorkshire.police.uk",
        "--role",
        "police",
        "--force",
        "North Yorkshire Police",
        input=PASSWORD,
    )

    assert result.exit_code == 0, result.output
    (user,) = rows(db, User)
    (force,) = rows(db, PoliceForce)
    assert (user.role, user.force_id) == ("police", force.id)


def test_it_creates_a_coordinator_for_a_council(cli, db):
    result = cli(
        "users",
        "create",
        "--email",
        "encompass@york.gov.uk",
        "--role",
        "coordinator",
        "--la",
        "816",
        input=PASSWORD,
    )

    assert result.exit_code == 0, result.output
    (user,) = rows(db, User)
    assert (user.role, user.la_code) == ("coordinator", "816")


@pytest.mark.parametrize("role", ["superuser", "DSL", "key_adult", ""])
def test_it_refuses_an_unknown_role(cli, db, role):
    result = cli("users", "create", "--email", "a@york.gov.uk", "--role", role, input=PASSWORD)

    assert_usage_error(result, "Invalid value for '--role'")
    assert count(db, User) == 0


@pytest.mark.parametrize(
    ("args", "password", "reason"),
    [
        (["--role", "admin"], "short", "password must be at least 12 characters"),
        (["--role", "admin"], "", "password must be at least 12 characters"),
        (["--role", "dsl", "--setting", "999999"], PASSWORD, "no setting with URN 999999"),
        (["--role", "dsl"], PASSWORD, "a dsl user needs --setting URN"),
        (["--role", "police", "--force", "Atlantis Police"], PASSWORD, "no police force named"),
        (["--role", "police"], PASSWORD, "a police user needs --force NAME"),
        (["--role", "coordinator"], PASSWORD, "a coordinator user needs --la CODE"),
        (["--role", "coordinator", "--la", "816-York-Council"], PASSWORD, "--la"),
    ],
    ids=[
        "short-password",
        "no-password",
        "unknown-setting",
        "dsl-without-setting",
        "unknown-force",
        "police-without-force",
        "coordinator-without-council",
        "council-code-too-long",
    ],
)
def test_it_refuses_a_user_it_cannot_create_in_one_line(cli, db, args, password, reason):
    create_setting(db, urn="121212")

    result = cli("users", "create", "--email", "a@york.gov.uk", *args, input=password + "\n")

    assert_one_line_error(result, reason)
    assert count(db, User) == 0


def test_it_refuses_a_bad_email_or_a_second_user_with_the_same_email(cli, db):
    bad = cli("users", "create", "--email", "not-an-email", "--role", "admin", input=PASSWORD)
    cli("users", "create", "--email", "a@york.gov.uk", "--role", "admin", input=PASSWORD)
    again = cli("users", "create", "--email", "A@York.gov.uk", "--role", "admin", input=PASSWORD)

    assert_one_line_error(bad, "not an e-mail address: 'not-an-email'")
    assert_one_line_error(again, "a user with e-mail a@york.gov.uk already exists")
    assert count(db, User) == 1


def test_it_requires_email_and_role(cli, db):
    assert_usage_error(cli("users", "create", "--role", "admin", input=PASSWORD), "--email")
    assert_usage_error(cli("users", "create", "--email", "a@york.gov.uk", input=PASSWORD), "--role")


# --- tick -------------------------------------------------------------------------------------

DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def queued(db) -> Delivery:
    delivery = queue_message(
        db,
        channel="email",
        to_address="helen.carter@school.example.org",
        subject="Operation Encompass: test message",
        body="A test message from the tick test.",
        due_at=DUE,
        reason="test",
    )
    db.commit()
    return delivery


def test_it_sends_what_is_due_as_of_the_given_instant(cli, db, queued):
    early = cli("tick", "--at", "2026-11-23T07:59:59+00:00")
    assert early.exit_code == 0, early.output
    assert early.stdout.strip() == "tick: nothing due"
    assert rows(db, Delivery)[0].status == "created"

    due = cli("tick", "--at", "2026-11-23T08:00:00+00:00")

    assert due.exit_code == 0, due.output
    assert due.stdout.strip() == "tick: 1 sent"
    (delivery,) = rows(db, Delivery)
    assert delivery.status == "sent" and delivery.sent_at == DUE


def test_it_reads_an_at_with_any_offset_as_the_same_instant(cli, db, queued):
    result = cli("tick", "--at", "2026-11-23T09:00:00+01:00")

    assert result.stdout.strip() == "tick: 1 sent"
    assert rows(db, Delivery)[0].sent_at == DUE


def test_it_ticks_at_the_current_time_without_at(cli, db):
    result = cli("tick")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("tick: ")


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("tomorrow", "not an ISO 8601 instant: 'tomorrow'"),
        ("2026-13-01T08:00:00+00:00", "not an ISO 8601 instant"),
        ("2026-11-23T08:00:00", "give a time zone"),
        ("", "not an ISO 8601 instant"),
    ],
)
def test_it_refuses_an_at_that_is_not_an_instant(cli, db, queued, at, reason):
    result = cli("tick", "--at", at)

    assert_usage_error(result, "Invalid value for '--at'", reason)
    assert rows(db, Delivery)[0].status == "created"


# --- db upgrade -------------------------------------------------------------------------------


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'encompass.db'}"
        return
    from tests.conftest import _drop_postgres, _postgres_url

    url = _postgres_url()
    yield url
    _drop_postgres(url)


def _schema(url: str) -> tuple[set[str], list[str]]:
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            versions = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()
    return tables, versions


def test_it_creates_the_schema_on_an_empty_database_and_can_run_again(
    make_app, monkeypatch, empty_database_url
):
    app = make_app(DATABASE_URL=empty_database_url)
    cli = make_cli(app, monkeypatch)

    first = cli("db", "upgrade")
    tables, versions = _schema(empty_database_url)
    second = cli("db", "upgrade")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == "database is at the latest schema version"
    assert {"setting", "notice", "child", "alert", "delivery", "pupil", "user_account"} <= tables
    assert len(versions) == 1
    assert _schema(empty_database_url) == (tables, versions)


def test_it_leaves_data_alone_when_upgrading_a_current_database(cli, db):
    create_setting(db, urn="121212")

    assert cli("db", "upgrade").exit_code == 0
    assert cli("db", "upgrade").exit_code == 0

    assert [s.urn for s in rows(db, Setting)] == ["121212"]
