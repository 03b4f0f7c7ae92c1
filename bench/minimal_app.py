"""The intake benchmark's baseline: the least a Flask endpoint can do with a notice.

POST /minimal parses the JSON body, inserts one row and commits. It runs under the same
gunicorn settings and on the same database as the real app, with the same engine
settings (encompass.db.make_engine: WAL and synchronous=NORMAL on SQLite, the same pool
on PostgreSQL), so the gap between the two is the work the real intake does.

    DATABASE_URL=... gunicorn -w 2 --pythonpath bench "minimal_app:create_app()"
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, text

from encompass.db import make_engine

metadata = MetaData()
bench_minimal = Table(
    "bench_minimal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("police_reference", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime, nullable=False),
)


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])

    @app.post("/minimal")
    def minimal() -> Any:
        body = request.get_json()
        with engine.begin() as conn:
            conn.execute(
                insert(bench_minimal).values(
                    police_reference=body["police_reference"],
                    body=json.dumps(body),
                    received_at=datetime.now(UTC).replace(tzinfo=None),
                )
            )
        return {"stored": True}, 201

    @app.get("/healthz")
    def healthz() -> Any:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app
