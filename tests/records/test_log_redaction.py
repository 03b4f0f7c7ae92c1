"""Alert links in logs keep only their first characters, whoever writes the line."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pytest

from encompass.records.log_redaction import shorten_links

TOKEN = "EoTCNASKboHB8XbTYpqTXT1W5SpIIDZawv-KySXds2s"


@pytest.mark.parametrize(
    ("line", "short"),
    [
        (f"GET /a/{TOKEN} HTTP/1.1", "GET /a/EoTCNA... HTTP/1.1"),
        (
            f"Sign in: https://oe.example.org/a/{TOKEN}",
            "Sign in: https://oe.example.org/a/EoTCNA...",
        ),
        (f"GET /login?next=%2Fa%2F{TOKEN} HTTP/1.1", "GET /login?next=%2Fa%2FEoTCNA... HTTP/1.1"),
        ("GET /admin/access?reference=NY-1 HTTP/1.1", "GET /admin/access?reference=NY-1 HTTP/1.1"),
    ],
)
def test_it_shortens_alert_links_and_leaves_other_text_alone(line, short):
    assert shorten_links(line) == short


def test_it_shortens_links_in_any_log_record_once_the_app_is_made(app, caplog):
    caplog.set_level(logging.INFO)

    logging.getLogger("werkzeug").info('127.0.0.1 - - "%s" %s -', f"GET /a/{TOKEN} HTTP/1.1", 302)
    logging.getLogger("some.library").warning("opened %s", f"/a/{TOKEN}")

    assert [r.getMessage() for r in caplog.records] == [
        '127.0.0.1 - - "GET /a/EoTCNA... HTTP/1.1" 302 -',
        "opened /a/EoTCNA...",
    ]


def test_it_shortens_links_in_gunicorns_access_log(app, capsys):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/a/{TOKEN}",
        "PATH_INFO": f"/a/{TOKEN}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://oe.example.org/a/{TOKEN}",
    }
    response = SimpleNamespace(status="302 FOUND", headers=[], response_length=0, sent=0)
    request = SimpleNamespace(headers=[])

    logger.access(response, request, environ, dt.timedelta(milliseconds=5))

    line = capsys.readouterr().out
    assert "GET /a/EoTCNA... HTTP/1.1" in line
    assert TOKEN not in line


def test_a_database_error_never_carries_the_childs_details(app):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    engine = app.extensions["encompass_engine"]
    with pytest.raises(IntegrityError) as failed, engine.begin() as conn:
        conn.execute(
            text("INSERT INTO child (notice_id, position, given_name) VALUES (:n, 0, :name)"),
            {"n": 999999, "name": "Amelia"},
        )

    assert "Amelia" not in str(failed.value)
