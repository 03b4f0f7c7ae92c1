"""Tests run against real databases: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

Every test that uses `app` (or anything built on it) runs once per backend. Each test run
gets its own PostgreSQL database, so parallel runs on one server do not collide.

With `ENCOMPASS_TEST_CLOCK` set (an instant, e.g. `2026-12-01T02:30:00+00:00`) the whole
run, and every Python process a test starts, runs on a clock ticking from that instant
(tests/clock/sitecustomize.py). scripts/test runs the `clock` tests that way at night, late
evening and across a clock change: whatever a test needs of the time, it freezes itself.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

import config.default
from encompass import create_app
from encompass.db.migrate import upgrade
from tests.clock import sitecustomize as test_clock
from tests.factories import create_force, create_key_adult, create_pupil, create_setting

# A developer's shell must not leak Twilio credentials or a database into the tests.
for _name in [n for n in dir(config.default) if n.isupper()] + ["ENCOMPASS_ENV"]:
    os.environ.pop(_name, None)

if os.environ.get(test_clock.CLOCK):
    # Python processes started by tests (the worker) import it as `sitecustomize`.
    _path = [str(Path(test_clock.__file__).parent), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in _path if p)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
_migrated: dict[str, str] = {}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, scope="session")


def _postgres_url() -> str:
    admin_url = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"encompass_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    target = make_url(url)
    admin = create_engine(make_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this backend, made once per test run."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'encompass.db'}"
    else:
        url = _postgres_url()
    upgrade(url)
    yield url
    if backend == "postgresql":
        _drop_postgres(url)


def _empty(url: str) -> None:
    import encompass.models  # noqa: F401

    engine = create_engine(url)
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    engine.dispose()


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """Build an app on the clean test database; keyword arguments override configuration."""
    _empty(database_url)
    apps = []

    def factory(**overrides: Any) -> Any:
        values = {
            "DATABASE_URL": database_url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "WTF_CSRF_ENABLED": True,
        }
        values.update(overrides)
        app = create_app("testing", values, read_env_file=False)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["encompass_engine"].dispose()


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app()


@pytest.fixture
def db(app: Any) -> Iterator[Session]:
    """A session on the test database; commit to make rows visible to requests."""
    with Session(app.extensions["encompass_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def cli(app: Any) -> Any:
    """Run `encompass ...` against the test app: cli("settings", "import", path)."""
    from flask.cli import ScriptInfo

    from encompass.cli import main

    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None) -> Any:
        return runner.invoke(main, list(args), input=input, obj=ScriptInfo(create_app=lambda: app))

    return invoke


@pytest.fixture
def key(db: Session) -> str:
    """A police force's API key (tests/factories.create_force)."""
    return create_force(db)[1]


@pytest.fixture
def school(db: Session) -> Any:
    """St Wilfrid's with a DSL and Amelia Brown (tests/factories.notice_body's child) on its roll."""
    setting = create_setting(db)
    create_key_adult(db, setting)
    create_pupil(db, setting)
    return setting
