"""PostgreSQL restarted mid-request: a clear JSON 503 with Retry-After (never a 500, never
an HTML error page, never a 201 for what was not stored), nothing half-stored, and the
next request served on a fresh connection without restarting anything.

On a private PostgreSQL server (tests/private_postgres.py), stopped with `pg_ctl stop -m
immediate` (every connection killed, as in a crash or a failover) at chosen points of a
notice's intake, then started again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import time_machine
from sqlalchemy import create_engine, event, func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from encompass import create_app
from encompass.db.migrate import upgrade
from encompass.matching.sql import fetch
from encompass.models import Alert, Child, Delivery, Notice
from encompass.worker import tick
from tests.conftest import _empty
from tests.e2e.scenario import school_ready_for_notices
from tests.factories import bearer, create_force, notice_body
from tests.private_postgres import PrivatePostgres, private_postgres

pytestmark = pytest.mark.clock

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
LATER = datetime(2026, 11, 23, 10, 1, tzinfo=UTC)  # the worker's passes
OCCURRED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC).isoformat()


@pytest.fixture(scope="module")
def server() -> Iterator[PrivatePostgres]:
    with private_postgres() as pg:
        admin = create_engine(pg.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "encompass"'))
        admin.dispose()
        upgrade(pg.url("encompass"))
        yield pg


@pytest.fixture
def pg_app(server: PrivatePostgres, tmp_path: Any) -> Iterator[Any]:
    _empty(server.url("encompass"))
    app = create_app(
        "testing",
        {"DATABASE_URL": server.url("encompass"), "INSTANCE_DIR": str(tmp_path / "instance")},
        read_env_file=False,
    )
    yield app
    app.extensions["encompass_engine"].dispose()


@pytest.fixture
def key(pg_app: Any) -> str:
    with Session(pg_app.extensions["encompass_engine"]) as db:
        return school_ready_for_notices(db).force_key


def stop_at(app: Any, server: PrivatePostgres, starts_with: str) -> dict[str, bool]:
    """Stop the server just before the first statement that starts with `starts_with`
    (or the first COMMIT), while the request is under way."""
    engine = app.extensions["encompass_engine"]
    fired = {"stopped": False}

    def stop(*_: Any) -> None:
        if not fired["stopped"]:
            fired["stopped"] = True
            server.stop("immediate")

    if starts_with == "COMMIT":
        event.listen(engine, "commit", lambda conn: stop())
    else:

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith(starts_with):
                stop()

    return fired


def stored(app: Any, reference: str) -> tuple[int, int, int, int]:
    """Notices with this reference, and all children, alerts and messages."""
    with Session(app.extensions["encompass_engine"]) as db:
        notices = db.exec(
            select(func.count()).select_from(Notice).where(Notice.police_reference == reference)
        ).one()
        return (
            notices,
            db.exec(select(func.count()).select_from(Child)).one(),
            db.exec(select(func.count()).select_from(Alert)).one(),
            db.exec(select(func.count()).select_from(Delivery)).one(),
        )


@pytest.mark.parametrize(
    "starts_with",
    [
        "SELECT API_KEY",  # checking the force's key
        "INSERT INTO NOTICE",
        "INSERT INTO CHILD",
        "INSERT INTO ALERT",
        "INSERT INTO DELIVERY",
        "COMMIT",
    ],
)
def test_a_restart_mid_request_is_a_503_with_retry_after_and_nothing_half_stored(
    pg_app, server, key, starts_with
):
    client = pg_app.test_client()
    body = notice_body(police_reference="NY-2026-100001", occurred_at=OCCURRED)
    with time_machine.travel(MONDAY, tick=True):
        fired = stop_at(pg_app, server, starts_with)
        try:
            during = client.post("/api/v1/notices", json=body, headers=bearer(key))
        finally:
            server.start()
        assert fired["stopped"], f"the intake made no {starts_with} statement"
        assert during.status_code == 503, during.get_data(as_text=True)
        assert during.is_json
        assert during.get_json()["error"] == "service_unavailable"
        assert during.headers["Retry-After"] == "5"
        assert stored(pg_app, "NY-2026-100001") == (0, 0, 0, 0)

        # The same notice again: served on a fresh connection, stored whole, once.
        after = client.post("/api/v1/notices", json=body, headers=bearer(key))
        assert after.status_code == 201, after.get_data(as_text=True)
        assert after.get_json()["children"][0]["outcome"] == "matched"
        notices, children, alerts, messages = stored(pg_app, "NY-2026-100001")
        assert (notices, children, alerts) == (1, 1, 1)
        assert messages >= 2  # the DSL's SMS and e-mail
        assert client.get("/healthz").status_code == 200


def test_health_checks_and_pages_answer_503_while_the_database_is_away(pg_app, server):
    client = pg_app.test_client()
    assert client.get("/healthz").status_code == 200
    server.stop("immediate")
    try:
        assert client.get("/healthz").status_code == 503
        worker = client.get("/healthz/worker")
        assert (worker.status_code, worker.is_json) == (503, True)
        assert worker.headers["Retry-After"] == "5"
        page = client.get("/a/" + "x" * 43, headers={"Accept": "text/html"})  # an alert link
        assert page.status_code == 503
        assert "Service unavailable" in page.get_data(as_text=True)
        assert client.get("/metrics").status_code == 503
    finally:
        server.start()
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_the_matchers_own_driver_queries_drop_a_dead_connection(pg_app, server):
    """matching/sql.fetch runs on the driver's connection: a connection the server killed
    is an OperationalError SQLAlchemy knows of (and invalidates), not a driver error that
    leaves a dead connection in the pool."""
    engine = pg_app.extensions["encompass_engine"]
    with Session(engine) as session:
        assert fetch(session, "SELECT 1", []) == [(1,)]
        server.stop("immediate")
        try:
            with pytest.raises(OperationalError) as raised:
                fetch(session, "SELECT 1", [])
            assert raised.value.connection_invalidated
        finally:
            server.start()
    with Session(engine) as session:
        assert fetch(session, "SELECT 2", []) == [(2,)]


def test_a_second_force_is_served_after_a_restart_without_any_restart_of_ours(pg_app, server):
    with Session(pg_app.extensions["encompass_engine"]) as db:
        school_ready_for_notices(db)
        _, other = create_force(db, "Humberside Police")
    client = pg_app.test_client()
    server.stop("immediate")
    server.start()
    with time_machine.travel(MONDAY, tick=True):
        response = client.post(
            "/api/v1/notices",
            json=notice_body(police_reference="HU-1", occurred_at=OCCURRED),
            headers=bearer(other),
        )
    assert response.status_code == 201, response.get_data(as_text=True)


# --- the worker -------------------------------------------------------------------------


@pytest.fixture
def wired_pg_app(server: PrivatePostgres, fake_twilio: Any, tmp_path: Any) -> Iterator[Any]:
    """The app on the private server, its SMS going to the fake Twilio (e-mail: outbox)."""
    _empty(server.url("encompass"))
    app = create_app(
        "testing",
        {
            "DATABASE_URL": server.url("encompass"),
            "INSTANCE_DIR": str(tmp_path / "instance"),
            **fake_twilio.config(),
        },
        read_env_file=False,
    )
    yield app
    app.extensions["encompass_engine"].dispose()


def notices(app: Any, count: int) -> None:
    with Session(app.extensions["encompass_engine"]) as db:
        key = school_ready_for_notices(db).force_key
    client = app.test_client()
    with time_machine.travel(MONDAY, tick=True):
        for n in range(count):
            body = notice_body(police_reference=f"NY-2026-20000{n}", occurred_at=OCCURRED)
            assert client.post("/api/v1/notices", json=body, headers=bearer(key)).status_code == 201


def restart_at(app: Any, server: PrivatePostgres, starts_with: str, contains: str = "") -> None:
    """When the worker first runs such a statement, stop the server; start it 2 s later."""
    engine = app.extensions["encompass_engine"]
    fired = threading.Event()

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(starts_with) and contains in statement and not fired.is_set():
            fired.set()
            server.stop("immediate")
            threading.Timer(2.0, server.start).start()


def messages(app: Any) -> list[Delivery]:
    with Session(app.extensions["encompass_engine"]) as db:
        return list(db.exec(select(Delivery).order_by(Delivery.id)).all())


def test_a_send_whose_outcome_could_not_be_written_is_written_when_the_database_returns(
    wired_pg_app, server, fake_twilio
):
    notices(wired_pg_app, 3)
    restart_at(wired_pg_app, server, "UPDATE delivery SET status", contains="provider_id")
    with time_machine.travel(LATER, tick=True):
        counts = tick(wired_pg_app)  # holds Twilio's answers until the database is back
    assert counts == {"sent": 6}
    rows = messages(wired_pg_app)
    assert {r.status for r in rows} == {"sent"}
    sms = [r for r in rows if r.channel == "sms"]
    assert sorted(r.provider_id for r in sms) == sorted(m.sid for m in fake_twilio.messages)
    assert all(r.attempts == 1 for r in rows)
    with time_machine.travel(LATER, tick=True):
        assert tick(wired_pg_app) == {}
    assert len(fake_twilio.requests) == 3  # each SMS once


def test_claimed_messages_not_yet_sent_are_handed_back_when_the_database_returns(
    wired_pg_app, server, fake_twilio
):
    notices(wired_pg_app, 3)
    # The read right before sending: the batch is claimed, nothing has gone yet.
    restart_at(wired_pg_app, server, "SELECT delivery.id", contains="alert.withdrawn_at")
    with time_machine.travel(LATER, tick=True), pytest.raises(OperationalError):
        tick(wired_pg_app)
    rows = messages(wired_pg_app)
    assert {(r.status, r.attempts, r.claimed_at) for r in rows} == {("created", 0, None)}
    assert fake_twilio.requests == []
    with time_machine.travel(LATER, tick=True):
        assert tick(wired_pg_app) == {"sent": 6}  # at once: no stuck-sending timeout
    assert len(fake_twilio.requests) == 3


# --- under gunicorn, as deployed ---------------------------------------------------------


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    base: str
    key: str
    log: Path

    def post(self, reference: str) -> requests.Response:
        # The clock of the gunicorn processes is the test's: the incident an hour ago.
        occurred = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
        body = notice_body(police_reference=reference, occurred_at=occurred)
        return requests.post(
            f"{self.base}/api/v1/notices", json=body, headers=bearer(self.key), timeout=30
        )

    def workers(self) -> list[int]:
        """The gunicorn worker processes (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextmanager
def gunicorn(app: Any, server: PrivatePostgres, tmp_path: Path) -> Iterator[Gunicorn]:
    """deploy/gunicorn.conf.py with two workers and the production profile, on the
    private server, with a school ready for notices."""
    with Session(app.extensions["encompass_engine"]) as db:
        key = school_ready_for_notices(db).force_key
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TWILIO_"))},
        "ENCOMPASS_ENV": "production",
        "SECRET_KEY": "a-test-secret-key-for-gunicorn",
        "ENCOMPASS_DATA_KEYS": app.config["ENCOMPASS_DATA_KEYS"],
        "DATABASE_URL": server.url("encompass"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "TRUSTED_PROXY_COUNT": "1",
    }
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),  # noqa: SIM115
    )
    web = Gunicorn(process, f"http://127.0.0.1:{port}", key, log)
    try:
        _wait_for(lambda: _answers(f"{web.base}/healthz"), "gunicorn to serve")
        yield web
    finally:
        process.terminate()
        process.wait(timeout=30)


def stored_references(app: Any) -> list[str]:
    with Session(app.extensions["encompass_engine"]) as db:
        return sorted(db.exec(select(Notice.police_reference)).all())


def test_under_gunicorn_as_deployed_a_restart_is_a_json_503_and_every_process_recovers(
    pg_app, server, tmp_path
):
    """While PostgreSQL is down every answer is JSON (never gunicorn's HTML error page);
    once it is back, both gunicorn workers serve notices again without being restarted."""
    with gunicorn(pg_app, server, tmp_path) as web:
        assert web.post("NY-GUNICORN-0").status_code == 201
        server.stop("immediate")
        try:
            during = [web.post(f"NY-GUNICORN-{n}") for n in range(1, 7)]
        finally:
            server.start()
        for response in during:
            assert response.status_code == 503, response.text
            assert response.headers["Content-Type"].startswith("application/json")
            assert response.json()["error"] == "service_unavailable"
            assert response.headers["Retry-After"] == "5"
        # Both gunicorn workers have a dead connection in their pool: both recover.
        after = [web.post(f"NY-GUNICORN-{n}") for n in range(7, 15)]
        assert [r.status_code for r in after] == [201] * 8
        assert web.process.poll() is None
    assert "Internal Server Error" not in web.log.read_text()
    assert stored_references(pg_app) == sorted(f"NY-GUNICORN-{n}" for n in [0, *range(7, 15)])


def test_a_gunicorn_worker_killed_mid_stream_loses_nothing(pg_app, server, tmp_path):
    """Notices stream in from four clients; one gunicorn worker is SIGKILLed mid-stream.
    A client whose connection dropped sends the same notice again (as a police system
    retries): every notice ends up stored once, with its child and alert, and gunicorn
    has two workers again."""
    answers: dict[str, list[int | str]] = {}
    with gunicorn(pg_app, server, tmp_path) as web:
        victim = web.workers()[0]

        def send(reference: str) -> None:
            tried = answers.setdefault(reference, [])
            while not tried or tried[-1] not in (200, 201):
                try:
                    tried.append(web.post(reference).status_code)
                except requests.ConnectionError:
                    tried.append("dropped")
                assert len(tried) < 5, (reference, tried)

        references = [f"NY-KILL-{n:02}" for n in range(40)]
        with ThreadPoolExecutor(max_workers=4) as clients:
            sent = [clients.submit(send, r) for r in references]
            _wait_for(lambda: sum(1 for f in sent if f.done()) >= 8, "a few notices in")
            os.kill(victim, signal.SIGKILL)
            for future in sent:
                future.result()
        _wait_for(lambda: len(web.workers()) == 2, "gunicorn to replace its worker")
        assert victim not in web.workers()
    assert stored_references(pg_app) == references
    assert all(tried[-1] in (200, 201) for tried in answers.values())
    assert {code for tried in answers.values() for code in tried} <= {200, 201, "dropped"}
    with Session(pg_app.extensions["encompass_engine"]) as db:
        assert db.exec(select(func.count()).select_from(Child)).one() == 40
        assert db.exec(select(func.count()).select_from(Alert)).one() == 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _wait_for(condition: Any, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)  # polling a real process; no test time depends on this
