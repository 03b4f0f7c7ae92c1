"""The migrations build exactly the schema the models describe, on both databases."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Table, create_engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import encompass.models  # noqa: F401 - registers every table
from encompass.db.migrate import alembic_config, upgrade
from tests.conftest import _drop_postgres, _postgres_url

TABLES = ("police_force", "setting", "notice", "child", "alert")


def test_it_has_a_migration_for_every_model_change(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()

    assert differences == []


def _insert(conn: Connection, table: Table, **given: Any) -> int:
    """A row with `given` and a plain value in every other required column."""
    values = dict(given)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        python = column.type.python_type if not isinstance(column.type, sa.JSON) else list
        values[column.name] = {
            str: "x",
            int: 1,
            bool: False,
            datetime: datetime(2026, 12, 1, tzinfo=UTC),
            date: date(2019, 4, 3),
            list: [],
        }.get(python, "x")
    result = conn.execute(sa.insert(table).values(**values).returning(table.c.id))
    return int(result.scalar_one())


def test_0021_keeps_the_alerts_and_allows_one_per_child_and_setting(
    backend: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else _postgres_url()
    try:
        upgrade(url, "0020")
        engine = create_engine(url)
        tables = {t: Table(t, MetaData(), autoload_with=engine) for t in TABLES}
        with engine.begin() as conn:
            force = _insert(conn, tables["police_force"], name="Force")
            school = _insert(conn, tables["setting"], urn="100001", kind="school")
            pru = _insert(conn, tables["setting"], urn="100002", kind="alternative_provision")
            notice = _insert(conn, tables["notice"], force_id=force, police_reference="R1")
            child = _insert(conn, tables["child"], notice_id=notice, position=1)
            _insert(conn, tables["alert"], child_id=child, setting_id=school)
            with pytest.raises(IntegrityError), conn.begin_nested():
                _insert(conn, tables["alert"], child_id=child, setting_id=pru)
        engine.dispose()

        upgrade(url)
        engine = create_engine(url)
        alert = Table("alert", MetaData(), autoload_with=engine)
        with engine.begin() as conn:
            assert conn.execute(sa.select(alert.c.child_id, alert.c.setting_id)).all() == [
                (child, school)
            ]
            _insert(conn, alert, child_id=child, setting_id=pru)
            with pytest.raises(IntegrityError), conn.begin_nested():
                _insert(conn, alert, child_id=child, setting_id=pru)
            conn.execute(sa.delete(alert).where(alert.c.setting_id == pru))
        engine.dispose()

        command.downgrade(alembic_config(url), "0020")
        engine = create_engine(url)
        alert = Table("alert", MetaData(), autoload_with=engine)
        with engine.begin() as conn:
            assert conn.execute(sa.select(func.count()).select_from(alert)).scalar_one() == 1
            with pytest.raises(IntegrityError), conn.begin_nested():
                _insert(conn, alert, child_id=child, setting_id=pru)
        engine.dispose()
        upgrade(url)
    finally:
        if backend == "postgresql":
            _drop_postgres(url)
