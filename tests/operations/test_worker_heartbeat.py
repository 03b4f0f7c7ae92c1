"""GET /healthz/worker and the red banner: anyone can see when the worker has stopped."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from encompass.worker import PassSummary, tick
from tests.factories import create_user
from tests.helpers import sign_in

pytestmark = pytest.mark.clock

T = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BANNER = "Alerts are not being sent"


@pytest.fixture
def app(make_app):
    return make_app(TOTP_REQUIRED_ROLES="")


def test_it_answers_503_until_a_pass_completes_then_200_with_its_time(app, client):
    with time_machine.travel(T, tick=False):
        none = client.get("/healthz/worker")
        assert none.status_code == 503
        assert none.headers["Retry-After"] == "30"
        assert none.get_json() == {
            "status": "stale",
            "last_pass_at": None,
            "seconds_since_last_pass": None,
            "stale_after_seconds": 120.0,
        }
        tick(app)
        ok = client.get("/healthz/worker")
    assert ok.status_code == 200
    assert ok.get_json()["status"] == "ok"
    assert datetime.fromisoformat(ok.get_json()["last_pass_at"]) == T


def test_it_goes_503_when_the_worker_stops_and_200_when_it_returns(app, client):
    with time_machine.travel(T, tick=False):
        tick(app)
    with time_machine.travel(T + timedelta(seconds=120), tick=False):
        assert client.get("/healthz/worker").status_code == 200
    with time_machine.travel(T + timedelta(seconds=121), tick=False):
        stopped = client.get("/healthz/worker")
        assert stopped.status_code == 503
        assert stopped.get_json()["seconds_since_last_pass"] == 121.0
        tick(app)  # the worker is back
        assert client.get("/healthz/worker").status_code == 200


def test_it_reads_the_stale_limit_from_the_configuration(make_app):
    app = make_app(WORKER_STALE_SECONDS=10)
    with time_machine.travel(T, tick=False):
        tick(app)
    with time_machine.travel(T + timedelta(seconds=11), tick=False):
        assert app.test_client().get("/healthz/worker").status_code == 503


def test_a_pass_evaluated_at_another_time_beats_at_the_clock(app, client):
    """`encompass tick --at` in a drill: the heartbeat is the real time it completed."""
    with time_machine.travel(T, tick=False):
        tick(app, now=T + timedelta(days=30))
        body = client.get("/healthz/worker").get_json()
    assert datetime.fromisoformat(body["last_pass_at"]) == T


def test_admins_and_coordinators_see_a_red_banner_while_the_worker_is_stale(app, db):
    create_user(db, "admin@york.example.gov.uk", "admin")
    create_user(db, "coordinator@york.example.gov.uk", "coordinator", la_code="816")
    clients = [app.test_client(), app.test_client()]

    def pages():
        return [c.get("/admin/settings").get_data(as_text=True) for c in clients]

    with time_machine.travel(T, tick=True):
        sign_in(clients[0], "admin@york.example.gov.uk")
        sign_in(clients[1], "coordinator@york.example.gov.uk")
        assert all(BANNER in page and 'class="app-alarm"' in page for page in pages())
        tick(app)
        assert all(BANNER not in page for page in pages())
    with time_machine.travel(T + timedelta(minutes=5), tick=True):
        assert all(BANNER in page for page in pages())


def test_a_dsl_never_sees_the_banner(app, db):
    from tests.factories import create_key_adult, create_setting

    setting = create_setting(db)
    create_key_adult(db, setting, email="dsl@school.example.org")
    create_user(db, "dsl@school.example.org", "dsl", setting_urn=setting.urn)
    client = app.test_client()
    with time_machine.travel(T, tick=True):
        sign_in(client, "dsl@school.example.org")
        page = client.get("/dsl/", follow_redirects=True)
    assert page.status_code == 200
    assert BANNER not in page.get_data(as_text=True)


def test_the_worker_logs_each_pass_at_debug_and_a_summary_every_minute(app, caplog):
    caplog.set_level(logging.DEBUG, logger="encompass.worker")
    with time_machine.travel(T, tick=False):
        tick(app)
    passes = [r for r in caplog.records if r.levelno == logging.DEBUG and "pass at" in r.message]
    assert len(passes) == 1 and "took" in passes[0].message
    caplog.clear()

    summary = PassSummary(every=60)
    summary.add({"sent": 2}, 0.1)
    summary.add({"sent": 1, "escalation_steps": 1}, 0.3)
    assert not [r for r in caplog.records if r.levelno == logging.INFO]
    summary.since -= 61  # a minute has gone by since the last summary
    summary.add({}, 0.2)
    [line] = [r.message for r in caplog.records if r.levelno == logging.INFO]
    assert line.startswith("worker: 3 passes in 61s (slowest 0.300s)")
    assert "'sent': 3" in line and "'escalation_steps': 1" in line
    assert summary.passes == 0
