"""Logs an operator can use: one line per request and per worker pass, each with its
request or step id; JSON with LOG_FORMAT=json; never a full link token."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from encompass.records.log_format import JsonFormatter
from tests.factories import queue_message

pytestmark = pytest.mark.clock


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "encompass.request"]


def test_each_request_is_one_line_with_its_id_sent_back(client, caplog):
    caplog.set_level(logging.INFO, logger="encompass.request")
    response = client.get("/healthz")

    [line] = request_lines(caplog)
    assert line.getMessage().startswith("GET /healthz 200 ")
    assert line.getMessage().endswith("ms")
    assert line.request_id == response.headers["X-Request-Id"]
    assert len(line.request_id) == 16


def test_it_keeps_the_proxys_request_id_but_never_a_forged_one(client, caplog):
    caplog.set_level(logging.INFO, logger="encompass.request")
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a-0001"})
    forged = client.get("/healthz", headers={"X-Request-Id": 'x INFO fake=line "quoted"'})

    assert kept.headers["X-Request-Id"] == "lb-7f3a-0001"
    assert forged.headers["X-Request-Id"] != 'x INFO fake=line "quoted"'
    assert [r.request_id for r in request_lines(caplog)] == [
        "lb-7f3a-0001",
        forged.headers["X-Request-Id"],
    ]


def test_a_link_token_in_the_path_is_cut_to_its_first_characters(client, caplog):
    caplog.set_level(logging.INFO, logger="encompass.request")
    alert_token = "Zx81kQ" + "a" * 37
    invitation_token = "Inv1te" + "b" * 37
    client.get(f"/a/{alert_token}?next=/x")
    client.get(f"/invitation/{invitation_token}")

    lines = request_lines(caplog)
    text = "\n".join(r.getMessage() + " " + str(r.path) for r in lines)
    assert "/a/Zx81kQ..." in text and alert_token not in text
    assert "/invitation/Inv1te..." in text and invitation_token not in text
    assert "next=" not in text


def test_a_request_line_as_json_has_every_field(client, caplog):
    caplog.set_level(logging.INFO, logger="encompass.request")
    response = client.get("/healthz/worker")
    [line] = request_lines(caplog)

    entry = json.loads(JsonFormatter().format(line))
    assert entry["request_id"] == response.headers["X-Request-Id"]
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz/worker", 503)
    assert entry["level"] == "info" and entry["logger"] == "encompass.request"
    assert isinstance(entry["duration_ms"], int)


def test_the_worker_logs_each_pass_with_its_step_id_as_json(app, db, tmp_path):
    """`encompass tick` as a real process with LOG_FORMAT=json: every line is JSON; the
    pass that sent something is one line with its step id and counts."""
    queue_message(
        db,
        channel="email",
        to_address="helen@school.example.org",
        body="x",
        due_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    db.commit()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SMTP_"))},
        "ENCOMPASS_ENV": "development",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "ENCOMPASS_DATA_KEYS": app.config["ENCOMPASS_DATA_KEYS"],
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(  # noqa: S603 - our own program
        [str(Path(sys.executable).parent / "encompass"), "tick"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    [done] = [e for e in entries if e["logger"] == "encompass.worker" and "counts" in e]
    assert done["counts"] == {"sent": 1}
    assert done["step_id"].startswith("pass-")
    assert done["level"] == "info"
    assert "helen@school.example.org" not in result.stderr


def test_making_app_after_app_never_stacks_the_log_record_factories():
    """Each create_app installs the link shortener and the ids; installed in turn, each
    once wrapped the other's again, until a long test run hit Python's recursion limit."""
    from encompass.records import log_format, log_redaction

    before = logging.getLogRecordFactory()
    made: list[str] = []

    def counting(*args, **kwargs):
        made.append("record")
        return logging.LogRecord(*args, **kwargs)

    try:
        logging.setLogRecordFactory(counting)
        log_redaction.install()
        log_format.install_ids()
        installed = logging.getLogRecordFactory()
        for _ in range(500):
            log_redaction.install()
            log_format.install_ids()

        assert logging.getLogRecordFactory() is installed
        record = logging.getLogger("encompass.test").makeRecord(
            "encompass.test", logging.INFO, __file__, 1, "GET /a/%s", ("Zx81kQabcdefghij",), None
        )
        assert made == ["record"]
        assert record.getMessage() == "GET /a/Zx81kQ..."
    finally:
        logging.setLogRecordFactory(before)
