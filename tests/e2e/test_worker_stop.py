"""`encompass worker` stopped with SIGTERM (a deploy, systemd stopping it) mid-send: the
send it holds finishes and its outcome is written, the messages it claimed but had not
sent are handed back for the next worker, nothing is left in `sending`, and it exits 0.
/healthz/worker follows it: 503 before its first pass, 200 after its last one, 503 again
once WORKER_STALE_SECONDS have passed without another.

A real process, the real database, the fake Twilio holding the first SMS open.
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from encompass.models import Delivery
from tests.clock import sitecustomize as test_clock
from tests.e2e.processes import start_worker, wait_for
from tests.e2e.scenario import MONDAY_MORNING, school_ready_for_notices, submit_notice

pytestmark = pytest.mark.clock

NOTICES = 4


def test_sigterm_finishes_the_send_it_holds_and_hands_back_the_rest(
    app, client, db, fake_twilio, tmp_path
):
    school = school_ready_for_notices(db)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        for n in range(NOTICES):
            submit_notice(client, school, police_reference=f"NY-STOP-{n}")
    # The first pass does housekeeping first; the held SMS is the first provider call.
    fake_twilio.answer_next("hang")
    with test_clock.shared(MONDAY_MORNING + timedelta(minutes=1)) as clock:
        assert client.get("/healthz/worker").status_code == 503
        # One message at a time: the first SMS is held while the rest wait their turn.
        worker = start_worker(app, fake_twilio, tmp_path, clock, WORKER_SEND_CONCURRENCY="1")
        try:
            wait_for(lambda: fake_twilio.requests, "the first SMS to reach Twilio")
            worker.send_signal(signal.SIGTERM)
            time.sleep(0.5)  # the worker has had the signal while the send is held
            assert worker.poll() is None, "the worker left the send it held"
            fake_twilio.release_hangs()  # Twilio answers (503: a temporary error)
            assert worker.wait(timeout=30) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
        log = (tmp_path / "worker.log").read_text()
        assert "worker stopping (signal 15)" in log
        assert "worker stopped" in log

        assert len(fake_twilio.requests) == 1  # nothing sent after the signal
        db.expire_all()
        rows = db.exec(select(Delivery)).all()
        assert "sending" not in {r.status for r in rows}
        held = [r for r in rows if r.provider_ms is not None]
        assert len(held) == 1 and held[0].error_code == "20503"  # its outcome written
        assert held[0].status == "created"  # a temporary error: retried with backoff
        others = [r for r in rows if r is not held[0]]
        assert {(r.status, r.attempts) for r in others} == {("created", 0)}
        assert client.get("/healthz/worker").status_code == 200  # its last pass completed

    # The worker's last pass completed before it stopped; stale once the limit passes.
    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=4), tick=False):
        assert client.get("/healthz/worker").status_code == 503
