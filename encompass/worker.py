"""`encompass tick` (one pass) and `encompass worker` (APScheduler calling tick).

The scheduler is only a clock: every timer lives in the database, so a restarted or
second worker picks up exactly what is due and nothing is held in memory.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Flask

from encompass.alerts.follow_up import queue_follow_up_prompts
from encompass.alerts.reminders import queue_holiday_reminders
from encompass.db import UNAVAILABLE, session_scope, utcnow
from encompass.delivery.attempts import DeliveryPolicy, send_due, send_pool, time_out_stuck
from encompass.delivery.transports import Transport, TransportSettings, build_transports
from encompass.escalation.failures import follow_up_failures
from encompass.escalation.steps import fire_due_steps
from encompass.lifecycles.delivery import FAILED
from encompass.operations.heartbeat import Heartbeat
from encompass.policies import Policies, policies
from encompass.records import log_format
from encompass.review.queue import escalate_due_reviews

log = logging.getLogger("encompass.worker")
T = TypeVar("T")


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        counts[key] = counts.get(key, 0) + n


def _kept(
    app: Flask,
    name: str,
    settings: Any,
    make: Callable[[Any], T],
    retire: Callable[[T], None] | None = None,
) -> T:
    """What `make(settings)` made, kept on the app from pass to pass while the settings stay
    the same (made again when they change, the old one given to `retire`)."""
    cached = app.extensions.get(name)
    if cached is None or cached[0] != settings:
        if cached is not None and retire is not None:
            retire(cached[1])
        cached = app.extensions[name] = (settings, make(settings))
    kept: T = cached[1]
    return kept


def _transports(app: Flask, settings: TransportSettings) -> dict[str, Transport]:
    """The app's transports (a Twilio client keeps its connections open from one tick to
    the next)."""
    return _kept(app, "encompass_transports", settings, build_transports)


def _send_pool(app: Flask, policy: DeliveryPolicy) -> ThreadPoolExecutor:
    """The worker's threads for provider calls (not started again for every pass)."""
    return _kept(
        app,
        "encompass_send_pool",
        policy.concurrency,
        lambda _: send_pool(policy),
        retire=lambda old: old.shutdown(wait=False),
    )


def tick(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """One pass of the worker's work as of `now` (default: the clock); once complete, the
    pass is written as the worker's heartbeat (at the clock's time, whatever `now` is)."""
    started = time.monotonic()
    step = log_format.step_id.set(f"pass-{log_format.new_id()}")
    try:
        return _tick(app, now or utcnow(), started)
    finally:
        log_format.step_id.reset(step)


def _tick(app: Flask, now: datetime, started: float) -> dict[str, int]:
    engine = app.extensions["encompass_engine"]
    built = policies(app)
    alerts, delivery = built.alerts, built.delivery
    transports = _transports(app, built.transports)
    pool = _send_pool(app, delivery)
    counts: dict[str, int] = {}
    stop = app.extensions.get("encompass_worker_stop")
    reminded = prompted = reviews_escalated = 0
    # The timers counted in minutes (holiday reminders, follow-up prompts, review
    # deadlines, messages stuck in sending, failures reported by Twilio's callbacks) are
    # looked at every few seconds; the ladder's steps and the messages due, on every pass.
    minutes = _due_every(app, "minutes", now, built.operations.minutes_check_interval, stop)
    if minutes:
        with session_scope(engine) as session:
            reminded = queue_holiday_reminders(session, now, alerts)
        with session_scope(engine) as session:
            prompted = queue_follow_up_prompts(session, now, alerts)
        with session_scope(engine) as session:
            reviews_escalated = escalate_due_reviews(session, now, alerts)
        with session_scope(engine) as session:
            time_out_stuck(session, now, delivery)
    fired = fire_due_steps(engine, now, alerts)
    _add(counts, send_due(engine, transports, delivery, now, stop, pool))
    # A failure can queue the next channel at once: follow up, then send that too (at once
    # after this pass's own failures; every few seconds for those the callbacks wrote).
    for _ in range(3 if minutes or counts.get(FAILED) else 0):
        if stop is not None and stop.is_set():
            break
        with session_scope(engine) as session:
            followed = follow_up_failures(session, now, alerts)
        if not followed:
            break
        counts["failures_followed_up"] = counts.get("failures_followed_up", 0) + followed
        fired += fire_due_steps(engine, now, alerts)
        _add(counts, send_due(engine, transports, delivery, now, stop, pool))
    if reminded:
        counts["holiday_reminders"] = reminded
    if prompted:
        counts["follow_up_prompts"] = prompted
    if reviews_escalated:
        counts["reviews_escalated"] = reviews_escalated
    if fired:
        counts["escalation_steps"] = fired
    if _due_every(app, "housekeeping", now, built.operations.housekeeping_interval, stop):
        _add(counts, housekeeping(engine, now, built))
    seconds = time.monotonic() - started
    beat = app.extensions.setdefault("encompass_heartbeat", Heartbeat())
    beat.add(seconds, counts)
    if beat.due(utcnow()) or (stop is not None and stop.is_set()):
        write_heartbeat(app)
    # A pass that did something is a line of its own; an idle one only at debug level.
    log.log(
        logging.INFO if counts else logging.DEBUG,
        "pass at %s took %.3fs: %s",
        now.isoformat(),
        seconds,
        counts or "nothing to do",
        extra={"duration_ms": int(seconds * 1000), "counts": counts},
    )
    _summary(app).add(counts, seconds)
    return counts


def write_heartbeat(app: Flask) -> None:
    """This worker's passes since the last write: its heartbeat and the counters."""
    beat: Heartbeat | None = app.extensions.get("encompass_heartbeat")
    if beat is None:
        return
    now = utcnow()
    with session_scope(app.extensions["encompass_engine"]) as session:
        beat.write(session, now)
    beat.written(now)


class PassSummary:
    """The worker's passes added up, logged once a minute at INFO (each pass is logged at
    DEBUG): an operator sees the worker alive and what it did without a line a second."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self._lock = threading.Lock()
        self._reset(time.monotonic())

    def _reset(self, at: float) -> None:
        self.since = at
        self.passes = 0
        self.slowest = 0.0
        self.counts: dict[str, int] = {}

    def add(self, counts: dict[str, int], seconds: float) -> None:
        with self._lock:
            self.passes += 1
            self.slowest = max(self.slowest, seconds)
            _add(self.counts, counts)
            at = time.monotonic()
            if at - self.since < self.every:
                return
            log.info(
                "worker: %d passes in %.0fs (slowest %.3fs): %s",
                self.passes,
                at - self.since,
                self.slowest,
                self.counts or "nothing to do",
            )
            self._reset(at)


def _summary(app: Flask) -> PassSummary:
    summary = app.extensions.get("encompass_pass_summary")
    if summary is None:
        summary = app.extensions["encompass_pass_summary"] = PassSummary()
    return summary


def _due_every(
    app: Flask, duty: str, now: datetime, every: timedelta, stop: threading.Event | None
) -> bool:
    """A duty done on this worker's first pass, then once every `every` of the passes' own
    time (a clock set back, as in tests, counts as due), and on the last pass before the
    worker stops."""
    done: dict[str, datetime] = app.extensions.setdefault("encompass_duties_done", {})
    last = done.get(duty)
    due = last is None or now < last or now - last >= every or (stop is not None and stop.is_set())
    if due:
        done[duty] = now
    return due


def housekeeping(engine: Any, now: datetime, built: Policies) -> dict[str, int]:
    """Retention, forgetting old rate-limit windows, and sealing the audit trail (last, so
    this tick's own entries are sealed too)."""
    from encompass.auth import ratelimit, sessions
    from encompass.operations.heartbeat import forget_old_workers
    from encompass.records import audit
    from encompass.records.retention import run_retention

    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        minimised = run_retention(session, now, built.retention_days)
        ratelimit.sweep(session, now)
        sessions.sweep(session, now, built.sign_in.longest + timedelta(hours=1))
        forget_old_workers(session, now)
    if minimised:
        counts["notices_minimised"] = minimised
    with session_scope(engine) as session:
        audit.seal(session)
    return counts


def run_worker(app: Flask) -> None:
    """Run until SIGTERM/SIGINT, ticking every WORKER_INTERVAL_SECONDS.

    On SIGTERM the pass under way finishes the sends it holds (their outcomes written),
    claims nothing more and hands back what it claimed but had not sent; then the process
    exits 0. Give it the provider's timeout to do so (systemd's TimeoutStopSec)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    stop = app.extensions["encompass_worker_stop"] = threading.Event()
    interval = policies(app).operations.worker_interval.total_seconds()
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
        if stop.is_set():
            return
        log.info("worker stopping (signal %s): finishing the pass under way", signum)
        stop.set()
        # Waits for the pass under way: it sends nothing new once `stop` is set.
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started: tick every %ss", interval)
    scheduler.start()
    held = app.extensions.pop("encompass_send_pool", None)
    if held is not None:
        held[1].shutdown(wait=True)
    try:
        write_heartbeat(app)  # what passes since the last write did
    except UNAVAILABLE as exc:
        log.warning("the last passes' counts were not written: %s", type(exc).__name__)
    log.info("worker stopped")
