"""Free text and adults' details are encrypted at rest; keys rotate with a command."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import select

from encompass import create_app
from encompass.config.environment import ConfigError
from encompass.encryption import keyring
from encompass.models import Alert, Child, Notice
from encompass.records.key_rotation import encrypted_columns
from tests.factories import (
    create_force,
    create_key_adult,
    create_pupil,
    create_setting,
    submit_notice,
)

TEST_KEY = "dGVzdGluZy1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYiE="
SECRETS = [
    "Verbal argument escalated; neighbours called police.",
    "said she was scared; quiet, clinging to mother",
    "in the bedroom",
    "12 Low Street",
    "relationship_to_children",
    "mother",
]


@pytest.fixture(autouse=True)
def _restore_keys():
    yield
    keyring.configure(TEST_KEY)


def _raw(db, sql):
    return db.execute(text(sql)).scalar_one()


def _notice(db, client) -> Notice:
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    _, key = create_force(db)
    submit_notice(client, key)
    alert = db.exec(select(Alert)).one()
    alert.feedback, alert.child_presentation = "Met Amelia at the gate", "quiet and tired"
    db.add(alert)
    db.commit()
    return db.exec(select(Notice)).one()


def test_it_stores_free_text_and_adults_only_encrypted(client, db):
    _notice(db, client)

    raw = [
        _raw(db, "SELECT circumstances FROM notice"),
        _raw(db, "SELECT CAST(adults AS TEXT) FROM notice"),
        _raw(db, "SELECT voice_of_child FROM child"),
        _raw(db, 'SELECT "where" FROM child'),
        _raw(db, "SELECT address FROM child"),
        _raw(db, "SELECT feedback FROM alert"),
        _raw(db, "SELECT child_presentation FROM alert"),
    ]

    assert all(value.startswith("fernet:") for value in raw), raw
    stored = " ".join(raw)
    for secret in [*SECRETS, "Met Amelia", "quiet and tired"]:
        assert secret not in stored
    db.expire_all()
    child = db.exec(select(Child)).one()
    assert child.voice_of_child == "said she was scared; quiet, clinging to mother"
    assert db.exec(select(Notice)).one().adults[0]["relationship_to_children"] == "mother"


def test_it_knows_every_encrypted_column():
    names = {f"{c.table}.{c.column}" for c in encrypted_columns()}
    assert {
        "notice.circumstances",
        "notice.adults",
        "child.voice_of_child",
        "child.where",
        "child.address",
        "alert.feedback",
        "alert.child_presentation",
        "user_account.totp_secret",
    } <= names


def test_it_rotates_to_a_new_key_and_then_reads_without_the_old_one(make_app, db, cli, client):
    _notice(db, client)
    new_key = Fernet.generate_key().decode()
    before = _raw(db, "SELECT circumstances FROM notice")

    make_app(ENCOMPASS_DATA_KEYS=f"{new_key},{TEST_KEY}")  # new key first, old still readable
    result = cli("keys", "rotate")

    assert result.exit_code == 0, result.output
    assert "notice.circumstances: 1" in result.output
    after = _raw(db, "SELECT circumstances FROM notice")
    assert after != before
    keyring.configure(new_key)  # the old key is gone
    db.expire_all()
    assert db.exec(select(Notice)).one().circumstances == SECRETS[0]
    assert Fernet(new_key).decrypt(after.removeprefix("fernet:").encode()).decode() == SECRETS[0]


def test_it_encrypts_plaintext_written_before_encryption_on_rotate(db, cli, client):
    notice = _notice(db, client)
    db.execute(
        text("UPDATE notice SET circumstances = 'Written in plain text' WHERE id = :id"),
        {"id": notice.id},
    )
    db.commit()
    db.expire_all()
    assert db.exec(select(Notice)).one().circumstances == "Written in plain text"

    assert cli("keys", "rotate").exit_code == 0

    assert _raw(db, "SELECT circumstances FROM notice").startswith("fernet:")
    db.expire_all()
    assert db.exec(select(Notice)).one().circumstances == "Written in plain text"


def test_keys_check_proves_every_value_decrypts_before_and_after_a_rotation(
    make_app, db, cli, client
):
    _notice(db, client)
    checked = cli("keys", "check")
    assert checked.exit_code == 0, checked.output
    assert "notice.circumstances: 1 newest key, 0 older keys" in checked.output
    assert "0 unreadable" in checked.output
    assert checked.output.strip().splitlines()[-1].startswith("keys check: all ")

    new_key = Fernet.generate_key().decode()
    make_app(ENCOMPASS_DATA_KEYS=f"{new_key},{TEST_KEY}")
    before_rotation = cli("keys", "check")
    assert before_rotation.exit_code == 0
    assert "notice.circumstances: 0 newest key, 1 older keys" in before_rotation.output
    assert "run `encompass keys rotate`" in before_rotation.output
    assert cli("keys", "rotate").exit_code == 0
    after = cli("keys", "check")
    assert "notice.circumstances: 1 newest key, 0 older keys" in after.output
    assert "run `encompass keys rotate`" not in after.output


def test_keys_check_fails_and_names_the_rows_when_a_key_is_missing(make_app, db, cli, client):
    notice = _notice(db, client)
    make_app(ENCOMPASS_DATA_KEYS=Fernet.generate_key().decode())  # the old key was lost

    result = cli("keys", "check")

    assert result.exit_code != 0
    assert (
        f"notice.circumstances: 0 newest key, 0 older keys, 0 not encrypted, 1 unreadable (rows {notice.id}...)"
        in result.output
    )
    assert "cannot be decrypted with ENCOMPASS_DATA_KEYS" in result.output
    for secret in SECRETS:
        assert secret not in result.output


def test_it_prints_a_new_key(cli):
    key = cli("keys", "generate").output.strip()

    Fernet(key)


def test_it_refuses_to_start_in_production_without_data_keys(tmp_path):
    with pytest.raises(ConfigError, match="ENCOMPASS_DATA_KEYS must be set in production"):
        create_app(
            "production",
            {"SECRET_KEY": "x" * 32, "INSTANCE_DIR": str(tmp_path)},
            read_env_file=False,
        )
    with pytest.raises(ConfigError, match="Fernet keys"):
        create_app(
            "production",
            {
                "SECRET_KEY": "x" * 32,
                "ENCOMPASS_DATA_KEYS": "not-a-key",
                "INSTANCE_DIR": str(tmp_path),
            },
            read_env_file=False,
        )
