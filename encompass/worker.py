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

from encompass.alerts.follow_up import queue_follow_up_prompts
from encompass.alerts.reminders import queue_holiday_reminders
from encompass.db import session_scope, utcnow
from encompass.delivery.attempts import send_due
from encompass.delivery.transports import Transport, build_transports
from encompass.escalation.failures import follow_up_failures
from encompass.escalation.steps import fire_due_steps
from encompass.policies import policies
from encompass.review.queue import escalate_due_reviews

log = logging.getLogger("encompass.worker")


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        counts[key] = counts.get(key, 0) + n


_TRANSPORT_SETTINGS = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM",
    "TWILIO_API_BASE",
    "TWILIO_TIMEOUT_SECONDS",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_STARTTLS",
    "MAIL_FROM",
    "SMTP_TIMEOUT_SECONDS",
)


def _transports(app: Flask, cfg: dict[str, Any]) -> dict[str, Transport]:
    """The app's transports, made once and kept while their settings stay the same (a
    Twilio client keeps its connections open from one tick to the next)."""
    key = tuple(cfg.get(name) for name in _TRANSPORT_SETTINGS)
    cached = app.extensions.get("encompass_transports")
    if cached is None or cached[0] != key:
        cached = (key, build_transports(cfg))
        app.extensions["encompass_transports"] = cached
    return cached[1]


def tick(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """One pass of the worker's work as of `now` (default: the clock)."""
    now = now or utcnow()
    cfg = dict(app.config)
    engine = app.extensions["encompass_engine"]
    alerts, delivery = policies(app).alerts, policies(app).delivery
    transports = _transports(app, cfg)
    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        reminded = queue_holiday_reminders(session, now, alerts)
    with session_scope(engine) as session:
        prompted = queue_follow_up_prompts(session, now, alerts)
    with session_scope(engine) as session:
        reviews_escalated = escalate_due_reviews(session, now, alerts)
    fired = fire_due_steps(engine, now, alerts)
    _add(counts, send_due(engine, transports, delivery, now))
    # A failure can queue the next channel at once: follow up, then send that too.
    for _ in range(3):
        with session_scope(engine) as session:
            followed = follow_up_failures(session, now, alerts)
        if not followed:
            break
        counts["failures_followed_up"] = counts.get("failures_followed_up", 0) + followed
        fired += fire_due_steps(engine, now, alerts)
        _add(counts, send_due(engine, transports, delivery, now))
    if reminded:
        counts["holiday_reminders"] = reminded
    if prompted:
        counts["follow_up_prompts"] = prompted
    if reviews_escalated:
        counts["reviews_escalated"] = reviews_escalated
    if fired:
        counts["escalation_steps"] = fired
    _add(counts, housekeeping(engine, now, cfg))
    if counts:
        log.info("tick at %s: %s", now.isoformat(), counts)
    return counts


def housekeeping(engine: Any, now: datetime, cfg: dict[str, Any]) -> dict[str, int]:
    """Retention, forgetting old rate-limit windows, and sealing the audit trail (last, so
    this tick's own entries are sealed too)."""
    from encompass.auth import ratelimit, sessions
    from encompass.records import audit
    from encompass.records.retention import run_retention

    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        minimised = run_retention(session, now, int(cfg["NOTICE_RETENTION_DAYS"]))
        ratelimit.sweep(session, now)
        sessions.sweep(session, now, timedelta(hours=int(cfg["SESSION_MAX_HOURS"]) + 1))
    if minimised:
        counts["notices_minimised"] = minimised
    with session_scope(engine) as session:
        audit.seal(session)
    return counts


def run_worker(app: Flask) -> None:
    """Run until SIGTERM/SIGINT, ticking every WORKER_INTERVAL_SECONDS."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    interval = float(app.config["WORKER_INTERVAL_SECONDS"])
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
        misfire_grace_time=max(int(interval * 10), 1),
        next_run_time=utcnow(),
    )

    def _stop(signum: int, _frame: Any) -> None:
        log.info("worker stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started: tick every %ss", interval)
    scheduler.start()
