"""The restore drill (docs/operations.md, "Backups and the restore drill"), as a test:
pg_dump the live database, restore the dump into a fresh database, `encompass db upgrade`,
`encompass audit verify` passes, `encompass keys check` proves every encrypted value
decrypts, and a notice reads back decrypted through the police API. Without the data keys
the restored database is there but its free text is not: `keys check` says so.

On a private PostgreSQL server (tests/private_postgres.py); the commands run as the real
`encompass` program, as an operator would run them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from encompass import create_app
from encompass.db.migrate import upgrade
from encompass.models import Notice
from encompass.worker import tick
from tests.e2e.scenario import school_ready_for_notices
from tests.factories import bearer, notice_body
from tests.private_postgres import private_postgres

pytestmark = pytest.mark.clock

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CIRCUMSTANCES = "Verbal argument escalated; neighbours called police."


def encompass(url: str, keys: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TWILIO_"))},
        "ENCOMPASS_ENV": "development",
        "DATABASE_URL": url,
        "ENCOMPASS_DATA_KEYS": keys,
    }
    return subprocess.run(  # noqa: S603 - our own program
        [str(Path(sys.executable).parent / "encompass"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_backup_restores_verifies_and_reads_back_decrypted(tmp_path):
    keys = Fernet.generate_key().decode()
    with private_postgres() as server:
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "live"'))
            conn.execute(text('CREATE DATABASE "restored"'))
        admin.dispose()
        live = server.url("live")
        upgrade(live)

        app = _app(live, keys, tmp_path)
        with Session(app.extensions["encompass_engine"]) as db:
            force_key = school_ready_for_notices(db).force_key
        client = app.test_client()
        with time_machine.travel(MONDAY, tick=True):
            body = notice_body(occurred_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC).isoformat())
            created = client.post("/api/v1/notices", json=body, headers=bearer(force_key))
            assert created.status_code == 201, created.get_json()
            notice_id = created.get_json()["id"]
            tick(app)  # sends the alert and seals the audit trail
        app.extensions["encompass_engine"].dispose()

        # 1. The backup: pg_dump's custom format, as a nightly job makes it.
        dump = tmp_path / "encompass.dump"
        subprocess.run(  # noqa: S603 - PostgreSQL's own program
            [
                server.tool("pg_dump"),
                "--format=custom",
                f"--file={dump}",
                "--dbname=" + _libpq(live),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        # 2. Restored into a fresh database.
        subprocess.run(  # noqa: S603
            [
                server.tool("pg_restore"),
                "--no-owner",
                "--dbname=" + _libpq(server.url("restored")),
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        restored = server.url("restored")

        # 3. Migrated to this release, 4. the audit trail verified, 5. every key checked.
        upgraded = encompass(restored, keys, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        verified = encompass(restored, keys, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        assert "audit chain: OK" in verified.stdout
        assert "0 waiting to be sealed" in verified.stdout
        checked = encompass(restored, keys, "keys", "check")
        assert checked.returncode == 0, checked.stderr
        assert "notice.circumstances: 1 newest key" in checked.stdout
        assert "0 unreadable" in checked.stdout

        # 6. A notice reads back decrypted, through the police API and from the table.
        app = _app(restored, keys, tmp_path)
        try:
            read = app.test_client().get(f"/api/v1/notices/{notice_id}", headers=bearer(force_key))
            assert read.status_code == 200, read.get_json()
            child = read.get_json()["children"][0]
            assert (child["outcome"], child["setting"]["urn"]) == ("matched", "121212")
            assert child["alert"]["sent_at"] is not None
            with Session(app.extensions["encompass_engine"]) as db:
                assert db.exec(select(Notice)).one().circumstances == CIRCUMSTANCES
        finally:
            app.extensions["encompass_engine"].dispose()

        # Without the data keys the rows are there, but what was written in them is not.
        other_key = Fernet.generate_key().decode()
        lost = encompass(restored, other_key, "keys", "check")
        assert lost.returncode != 0
        assert "cannot be decrypted with ENCOMPASS_DATA_KEYS" in lost.stderr
        assert CIRCUMSTANCES not in lost.stdout + lost.stderr


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq (pg_dump) reads it."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _app(url: str, keys: str, tmp_path: Path) -> Any:
    values = {"DATABASE_URL": url, "ENCOMPASS_DATA_KEYS": keys, "INSTANCE_DIR": str(tmp_path)}
    return create_app("testing", values, read_env_file=False)
