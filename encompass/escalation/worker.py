"""`encompass tick` (one pass) and `encompass worker` (APScheduler calling tick).

The scheduler is only a clock: every timer lives in the database, so a restarted or
second worker picks up exactly what is due and nothing is held in memory.
"""

from __future__ import annotations

import logging
import signal
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from encompass.alerts.policy import AlertPolicy
from encompass.alerts.reminders import queue_holiday_reminders
from encompass.db import session_scope, utcnow
from encompass.delivery.attempts import DeliveryPolicy, send_due
from encompass.delivery.transports import build_transports

log = logging.getLogger("encompass.worker")


def delivery_policy(cfg: dict[str, Any]) -> DeliveryPolicy:
    return DeliveryPolicy(
        max_attempts=int(cfg["DELIVERY_MAX_ATTEMPTS"]),
        sending_timeout=timedelta(seconds=int(cfg["DELIVERY_SENDING_TIMEOUT_SECONDS"])),
        status_callback=f"{cfg['PUBLIC_BASE_URL']}/twilio/status",
    )


def tick(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """One pass of the worker's work as of `now` (default: the clock)."""
    now = now or utcnow()
    cfg = dict(app.config)
    engine = app.extensions["encompass_engine"]
    with session_scope(engine) as session:
        reminded = queue_holiday_reminders(session, now, AlertPolicy.from_config(cfg))
    counts = send_due(
        app.extensions["encompass_engine"], build_transports(cfg), delivery_policy(cfg), now
    )
    if reminded:
        counts["holiday_reminders"] = reminded
    if counts:
        log.info("tick at %s: %s", now.isoformat(), counts)
    return counts


def run_worker(app: Flask) -> None:
    """Run until SIGTERM/SIGINT, ticking every WORKER_INTERVAL_SECONDS."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    interval = int(app.config["WORKER_INTERVAL_SECONDS"])
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        args=[app],
        seconds=interval,
        id="tick",
        max_instances=1,
        coalesce=True,
        # A tick that starts late still runs: the work it does is read from the database.
        misfire_grace_time=interval * 10,
        next_run_time=utcnow(),
    )

    def _stop(signum: int, _frame: Any) -> None:
        log.info("worker stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started: tick every %ss", interval)
    scheduler.start()
