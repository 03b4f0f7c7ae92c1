"""GET /metrics: the counts a monitor needs, after a known scenario; nothing personal."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from encompass.models import Alert, Delivery
from encompass.worker import tick
from tests.factories import create_force, create_key_adult, create_pupil, create_setting
from tests.factories import submit_notice as submit

pytestmark = pytest.mark.clock

# A Monday in term, mid-morning: outside the SMS quiet hours.
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def york(db):
    """St Wilfrid's (a DSL with a phone and e-mail), Amelia Brown on its roll, and twins at
    two schools so that a notice naming "Alex" waits for review."""
    wilfrids = create_setting(db)
    clifton = create_setting(db, urn="121345", name="Clifton Green Primary School")
    create_key_adult(db, wilfrids)
    create_key_adult(db, clifton, name="Mark Evans", phone="+447911100011")
    create_key_adult(
        db, None, role="coordinator", name="Claire Booth", phone="+447911100099", la_code="816"
    )
    create_pupil(db, wilfrids)
    create_pupil(db, wilfrids, given_name="Alexander", date_of_birth=datetime(2018, 1, 2).date())
    create_pupil(db, clifton, given_name="Alexandra", date_of_birth=datetime(2018, 1, 2).date())
    return create_force(db)[1]


def test_it_counts_what_is_due_sent_overdue_and_waiting_for_review(app, client, db, york):
    with time_machine.travel(MONDAY, tick=False):
        empty = scrape(client)
    assert value(empty, "encompass_notices_received_total") == 0
    assert value(empty, "encompass_messages_due", channel="sms") == 0
    assert value(empty, "encompass_worker_healthy") == 0
    assert value(empty, "encompass_worker_passes_total") == 0

    submit(client, york, at=MONDAY)
    submit(
        client,
        york,
        at=MONDAY,
        police_reference="NY-2026-004212",
        child={"given_name": "Alex", "date_of_birth": "2018-01-02"},
    )
    with time_machine.travel(MONDAY + timedelta(minutes=2), tick=False):
        before = scrape(client)
    due = db.exec(select(Delivery).where(Delivery.status == "created")).all()
    by_channel = {c: sum(1 for d in due if d.channel == c) for c in ("sms", "email", "voice")}
    assert by_channel["sms"] >= 2 and by_channel["email"] >= 2  # the DSL and the coordinator
    assert value(before, "encompass_notices_received_total") == 2
    for channel, n in by_channel.items():
        assert value(before, "encompass_messages_due", channel=channel) == n
    assert value(before, "encompass_oldest_due_message_age_seconds") == 120
    assert value(before, "encompass_review_items_open") == 1
    assert value(before, "encompass_review_items_past_deadline") == 0

    with time_machine.travel(MONDAY + timedelta(minutes=2), tick=False):
        counts = tick(app)
        after = scrape(client)
    assert counts.get("sent") == len(due)
    assert value(after, "encompass_messages_due", channel="sms") == 0
    assert value(after, "encompass_oldest_due_message_age_seconds") == 0
    assert value(after, "encompass_worker_healthy") == 1
    assert value(after, "encompass_worker_passes_total") == 1
    assert value(after, "encompass_worker_pass_duration_seconds_count") == 1
    assert value(after, "encompass_worker_pass_duration_seconds_bucket", le="+Inf") == 1
    assert value(after, "encompass_provider_answers_total", kind="accepted") == len(due)
    assert value(after, "encompass_provider_answers_total", kind="failed") == 0
    assert value(after, "encompass_worker_work_total", kind="sent") == len(due)
    assert (
        value(after, "encompass_worker_last_pass_timestamp_seconds")
        == (MONDAY + timedelta(minutes=2)).timestamp()
    )

    # Nobody acknowledges: past the deadline, before the ladder's council step fires.
    alert = db.exec(select(Alert)).one()
    assert alert.due_by is not None
    with time_machine.travel(alert.due_by + timedelta(minutes=1), tick=False):
        late = scrape(client)
    assert value(late, "encompass_alerts_overdue_unescalated") == 1
    assert value(late, "encompass_review_items_past_deadline") == 1
    assert value(late, "encompass_worker_healthy") == 0  # no pass for hours


def test_passes_from_several_workers_add_up(app, client):
    from encompass.db import session_scope
    from encompass.operations.heartbeat import record_pass

    engine = app.extensions["encompass_engine"]
    with time_machine.travel(MONDAY, tick=False):
        for worker, seconds in (("a:1", 0.02), ("b:2", 0.3), ("a:1", 70.0)):
            with session_scope(engine) as session:
                record_pass(session, MONDAY, seconds, {"sent": 2, "created": 1}, worker=worker)
        samples = scrape(client)
    assert value(samples, "encompass_worker_passes_total") == 3
    assert value(samples, "encompass_worker_pass_duration_seconds_sum") == pytest.approx(70.32)
    assert value(samples, "encompass_worker_pass_duration_seconds_bucket", le="0.05") == 1
    assert value(samples, "encompass_worker_pass_duration_seconds_bucket", le="0.5") == 2
    assert value(samples, "encompass_worker_pass_duration_seconds_bucket", le="60.0") == 2
    assert value(samples, "encompass_worker_pass_duration_seconds_bucket", le="+Inf") == 3
    assert value(samples, "encompass_provider_answers_total", kind="accepted") == 6
    assert value(samples, "encompass_provider_answers_total", kind="temporary_error") == 3


def test_it_shows_no_personal_data_and_no_reference(app, client, york):
    submit(client, york, at=MONDAY)
    with time_machine.travel(MONDAY, tick=False):
        text = client.get("/metrics").get_data(as_text=True)
    for personal in ("Amelia", "Brown", "2019", "YO1", "Low Street", "NY-2026", "+44", "07911"):
        assert personal not in text


def test_it_asks_for_the_token_when_one_is_set(make_app):
    client = make_app(METRICS_TOKEN="s3cret-metrics-token").test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert "encompass_worker_healthy" not in wrong.get_data(as_text=True)
    assert scrape(client, Authorization="Bearer s3cret-metrics-token")


def test_a_worker_writes_its_passes_every_few_seconds_and_loses_none(app, client):
    """Five passes a second would be five writes a second: they are added up and written
    at most every 5 seconds, the heartbeat with them."""
    for offset in (0, 1, 2, 6):
        with time_machine.travel(MONDAY + timedelta(seconds=offset), tick=False):
            tick(app)
            samples = scrape(client)
        written = {0: 1, 1: 1, 2: 1, 6: 4}[offset]
        assert value(samples, "encompass_worker_passes_total") == written
    assert (
        value(samples, "encompass_worker_last_pass_timestamp_seconds")
        == (MONDAY + timedelta(seconds=6)).timestamp()
    )
