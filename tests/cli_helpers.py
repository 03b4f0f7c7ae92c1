"""Running the `encompass` command against the test app, and writing the CSVs it reads."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func
from sqlmodel import Session, select

from encompass.cli import main

DATA = Path(__file__).resolve().parent / "data"

Cli = Callable[..., Result]


def make_cli(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`cli("settings", "import", path, input=...)` runs `encompass ...` on this app.

    The real group (encompass.cli.main), not app.cli, which does not carry our commands.
    No .env is read (the test app is already configured), and Flask's FLASK_RUN_FROM_CLI
    marker is undone after the test.
    """
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")

    def invoke(*args: Any, input: str | bytes | None = None) -> Result:
        info = ScriptInfo(create_app=lambda: app, load_dotenv_defaults=False)
        return app.test_cli_runner().invoke(
            main, [str(a) for a in args], input=input, obj=info, catch_exceptions=False
        )

    return invoke


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Non-zero exit, one line of reason on stderr, no traceback."""
    assert result.exit_code != 0, result.output
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def count(db: Session, model: Any) -> int:
    db.commit()  # end any read snapshot so rows the command wrote are visible
    return db.exec(select(func.count()).select_from(model)).one()


def rows(db: Session, model: Any, *order_by: Any) -> list[Any]:
    db.commit()
    db.expire_all()
    return list(db.exec(select(model).order_by(*(order_by or (model.id,)))))


def write_csv(
    path: Path,
    header: Sequence[str],
    records: Sequence[Sequence[str] | dict[str, str]],
    *,
    encoding: str = "utf-8",
    quote_all: bool = False,
    bom: bool = False,
) -> Path:
    """Write a CSV as a council would hand it over (CRLF lines, as spreadsheets save)."""
    out = io.StringIO(newline="")
    writer = csv.writer(
        out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerow(header)
    for record in records:
        if isinstance(record, dict):
            writer.writerow([record.get(column, "") for column in header])
        else:
            writer.writerow(record)
    raw = out.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)
    return path
