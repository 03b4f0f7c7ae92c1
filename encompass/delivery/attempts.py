"""Claim due deliveries, send them, record the outcome.

created -> sending -> sent -> delivered | failed | undelivered   (or cancelled before sending)

A row is claimed with a conditional update (and FOR UPDATE SKIP LOCKED on PostgreSQL), so
two workers never send the same message. The session is closed before the slow provider
call; the outcome is written in a fresh transaction. If the database is away when the
outcome is to be written, the worker holds the provider's answer and writes it when the
database returns; claimed messages it had not sent yet are handed back (`created`), so
nothing waits for the stuck-`sending` timeout and nothing goes twice.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Update, bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from encompass.db import UNAVAILABLE, UTCDateTime, is_postgres, session_scope
from encompass.delivery.status import SENDING_TIMEOUT
from encompass.delivery.transports import (
    OutboundMessage,
    SendResult,
    Transport,
    TransportError,
)
from encompass.lifecycles.alert import ALERT, AlertStatus
from encompass.lifecycles.delivery import (
    CANCELLED,
    CREATED,
    DELIVERY,
    FAILED,
    SENDING,
    DeliveryStatus,
)
from encompass.models import Alert, Delivery

log = logging.getLogger("encompass.delivery")
T = TypeVar("T")


@dataclass(frozen=True)
class DeliveryPolicy:
    """How messages are sent: read from configuration (from_config), defaults in
    config/default.py."""

    max_attempts: int
    sending_timeout: timedelta
    # Messages to one phone on one channel in any hour: no SMS storm to one person.
    per_recipient_hourly: dict[str, int]
    concurrency: int
    status_callback: str | None = None
    # Messages never held by that limit: the council's step of the ladder (and the council
    # told at once when a setting has nobody), which must not be late.
    unlimited_reasons: tuple[str, ...] = ("escalation:coordinator", "no_key_adult")
    backoff_base_seconds: int = 30
    backoff_max_seconds: int = 600
    # Twilio's status callbacks are checked against this address and token.
    base_url: str = ""
    twilio_auth_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> DeliveryPolicy:
        return cls(
            max_attempts=int(cfg["DELIVERY_MAX_ATTEMPTS"]),
            sending_timeout=timedelta(seconds=int(cfg["DELIVERY_SENDING_TIMEOUT_SECONDS"])),
            status_callback=f"{cfg['PUBLIC_BASE_URL']}/twilio/status",
            per_recipient_hourly={
                "sms": int(cfg["SMS_PER_RECIPIENT_PER_HOUR"]),
                "voice": int(cfg["VOICE_PER_RECIPIENT_PER_HOUR"]),
            },
            concurrency=int(cfg["WORKER_SEND_CONCURRENCY"]),
            base_url=str(cfg["PUBLIC_BASE_URL"]),
            twilio_auth_token=cfg.get("TWILIO_AUTH_TOKEN") or None,
        )

    def backoff(self, attempts: int) -> timedelta:
        seconds = self.backoff_base_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.backoff_max_seconds))


def claim_due(
    session: Session, now: datetime, policy: DeliveryPolicy, limit: int = 200
) -> list[int]:
    """Claim due messages for sending; one over its recipient's hourly limit waits instead.

    The caller commits the claim (send_due: a transaction of its own) before sending."""
    query = (
        select(Delivery)
        .where(Delivery.status == CREATED, col(Delivery.due_at) <= now)
        .order_by(col(Delivery.due_at), col(Delivery.id))
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    due = session.exec(query).all()
    # Every recipient's hourly count is read once for the batch, not once per message (a
    # scan of the delivery table each); what this batch claims counts as it goes.
    usage = _recipient_usage(session, due, policy, now)
    to_claim: list[int] = []
    for delivery in due:
        assert delivery.id is not None
        held_until = _held_until(delivery, usage, policy, now)
        if held_until is None:
            to_claim.append(delivery.id)
            if (delivery.to_address, delivery.channel) in usage:
                usage[(delivery.to_address, delivery.channel)].in_flight += 1
            continue
        log.warning("delivery %s held until %s: recipient rate limit", delivery.id, held_until)
        session.execute(
            update(Delivery)
            .where(col(Delivery.id) == delivery.id, col(Delivery.status) == CREATED)
            .values(due_at=held_until, error_code="rate-limited", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    claimed: list[int] = []
    if to_claim:
        # One conditional update for the batch: a row another worker took first is skipped.
        taken = set(
            DELIVERY.move_all(
                session,
                SENDING,
                col(Delivery.id).in_(to_claim),
                claimed_at=now,
                attempts=col(Delivery.attempts) + 1,
                updated_at=now,
            )
        )
        claimed = [i for i in to_claim if i in taken]
    return claimed


@dataclass
class _Usage:
    """One recipient on one channel: sent in the last hour (and the oldest), in flight."""

    sent: int = 0
    oldest: datetime | None = None
    in_flight: int = 0


def _recipient_usage(
    session: Session, deliveries: Sequence[Delivery], policy: DeliveryPolicy, now: datetime
) -> dict[tuple[str, str], _Usage]:
    """The hourly-limit counts of every rate-limited recipient among these messages."""
    keys = {
        (d.to_address, d.channel) for d in deliveries if policy.per_recipient_hourly.get(d.channel)
    }
    if not keys:
        return {}
    usage = {key: _Usage() for key in keys}
    addresses = sorted({address for address, _ in keys})
    channels = sorted({channel for _, channel in keys})
    since = now - timedelta(hours=1)
    sent_at = col(Delivery.sent_at)
    to_address, channel = col(Delivery.to_address), col(Delivery.channel)
    recent = session.exec(
        select(to_address, channel, func.count(), func.min(sent_at))
        .where(to_address.in_(addresses), channel.in_(channels), sent_at > since)
        .group_by(to_address, channel)
    ).all()
    for address, chan, count, oldest in recent:
        if (address, chan) in usage:
            usage[(address, chan)].sent = int(count)
            usage[(address, chan)].oldest = oldest
    in_flight = session.exec(
        select(to_address, channel, func.count())
        .where(to_address.in_(addresses), channel.in_(channels), Delivery.status == SENDING)
        .group_by(to_address, channel)
    ).all()
    for address, chan, count in in_flight:
        if (address, chan) in usage:
            usage[(address, chan)].in_flight = int(count)
    return usage


def _held_until(
    delivery: Delivery, usage: dict[tuple[str, str], _Usage], policy: DeliveryPolicy, now: datetime
) -> datetime | None:
    """When the recipient's hourly limit frees up, if this message would exceed it."""
    limit = policy.per_recipient_hourly.get(delivery.channel)
    if not limit or delivery.reason in policy.unlimited_reasons:
        return None
    used = usage[(delivery.to_address, delivery.channel)]
    if used.sent + used.in_flight < limit:
        return None
    return (used.oldest or now) + timedelta(hours=1)


# The statements a send makes, built once: sending is the worker's hottest path.
_MESSAGES = (
    sa_select(
        col(Delivery.id),
        col(Delivery.status),
        col(Delivery.attempts),
        col(Delivery.channel),
        col(Delivery.to_address),
        col(Delivery.body),
        col(Delivery.subject),
        col(Delivery.alert_id),
        col(Alert.acknowledged_at),
        col(Alert.withdrawn_at),
        col(Alert.sent_at),
    )
    .outerjoin(Alert, col(Alert.id) == col(Delivery.alert_id))
    .where(col(Delivery.id).in_(bindparam("ids", expanding=True)))
)
_NOW = bindparam("now", type_=UTCDateTime())
_CANCEL = DELIVERY.statement(
    CANCELLED,
    col(Delivery.id).in_(bindparam("ids", expanding=True)),
    col(Delivery.status) == SENDING,
    updated_at=_NOW,
)
# This attempt's own row only: still `sending`, and not claimed again since. A send that
# hung past the timeout finds its row failed, or waiting to be retried, and leaves it so.
_OURS = (
    col(Delivery.id) == bindparam("delivery_id"),
    col(Delivery.status) == SENDING,
    col(Delivery.attempts) == bindparam("attempt"),
)
_MARK_SENT = {
    status: DELIVERY.statement(
        status,
        *_OURS,
        transport=bindparam("transport"),
        provider_id=bindparam("provider_id"),
        provider_ms=bindparam("provider_ms"),
        error_code=None,
        sent_at=_NOW,
        updated_at=_NOW,
    )
    for status in (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)
}
_FAILURE = {
    "transport": bindparam("transport"),
    "provider_ms": bindparam("provider_ms"),
    "error_code": bindparam("error_code"),
    "error_message": bindparam("error_message"),
    "updated_at": _NOW,
}
_FAILED_ATTEMPT = {
    FAILED: DELIVERY.statement(FAILED, *_OURS, **_FAILURE),
    CREATED: DELIVERY.statement(
        CREATED, *_OURS, **_FAILURE, due_at=bindparam("due_at", type_=UTCDateTime())
    ),
}
# An alert's first message out marks it sent (and a pending alert "sent").
_ALERTS = col(Alert.id).in_(bindparam("ids", expanding=True))
_MARK_ALERTS_SENT: tuple[Update, ...] = (
    update(Alert).where(_ALERTS, col(Alert.sent_at).is_(None)).values(sent_at=_NOW),
    ALERT.statement(AlertStatus.SENT, _ALERTS),
)


@dataclass(frozen=True)
class _Ready:
    delivery_id: int
    alert_id: int | None
    message: OutboundMessage
    attempt: int
    # The alert had nothing out yet when checked: this send may be the one that marks it.
    alert_unsent: bool = False


def _still_to_send(
    engine: Engine, ids: Sequence[int], policy: DeliveryPolicy, now: datetime
) -> list[_Ready]:
    """The claimed messages to send now, read right before sending them: one gone or no
    longer ours is left alone, and one whose alert was acknowledged (or withdrawn) is
    cancelled, never sent."""
    with engine.begin() as conn:
        rows = {row.id: row for row in conn.execute(_MESSAGES, {"ids": list(ids)})}
        ours = [rows[i] for i in ids if i in rows and rows[i].status == SENDING]
        stopped = [row.id for row in ours if _stopped(row)]
        if stopped:
            conn.execute(_CANCEL, {"ids": stopped, "now": now})
    return [
        _Ready(
            delivery_id=row.id,
            alert_id=row.alert_id,
            attempt=row.attempts,
            alert_unsent=row.alert_id is not None and row.sent_at is None,
            message=OutboundMessage(
                channel=row.channel,
                to=row.to_address,
                body=row.body,
                subject=row.subject,
                status_callback=(
                    policy.status_callback if row.channel in ("sms", "voice") else None
                ),
            ),
        )
        for row in ours
        if not _stopped(row)
    ]


def _stopped(row: Any) -> bool:
    """Acknowledged, or withdrawn (the police corrected the child to another setting)."""
    return row.acknowledged_at is not None or row.withdrawn_at is not None


@dataclass(frozen=True)
class _Answer:
    """What the provider said to one send (asked with no database connection held)."""

    ready: _Ready
    transport: str
    took_ms: int
    result: SendResult | None = None
    error: TransportError | None = None


def _call(transports: Mapping[str, Transport], ready: _Ready) -> _Answer:
    """The provider call for one claimed message; nothing is written here."""
    transport = transports[ready.message.channel]
    started = time.monotonic()
    try:
        result = transport.send(ready.message)
    except TransportError as exc:
        return _Answer(ready, transport.name, _ms_since(started), error=exc)
    return _Answer(ready, transport.name, _ms_since(started), result=result)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _record(
    engine: Engine, answers: Sequence[_Answer], policy: DeliveryPolicy, now: datetime
) -> list[str]:
    """The outcomes of the answers that are in, written together in one transaction as
    soon as they are in (Twilio's status callbacks find a message by the id it gave, and
    may come back within moments). Returns each answer's status, in order."""

    def write() -> list[bool]:
        try:
            with engine.begin() as conn:
                moved = _write_answers(conn, answers, policy, now)
                _mark_alerts_sent(conn, answers, moved, now)
        except _NotAllMoved:
            with engine.begin() as conn:
                moved = [_write_answers(conn, [answer], policy, now)[0] for answer in answers]
                _mark_alerts_sent(conn, answers, moved, now)
        return moved

    what = f"delivery {answers[0].ready.delivery_id}" + (
        f" and {len(answers) - 1} more" if len(answers) > 1 else ""
    )
    moved = _until_written(write, f"{what}: outcome", policy)
    return [_outcome(a, m, policy) for a, m in zip(answers, moved, strict=True)]


class _NotAllMoved(Exception):
    """A statement written for several answers moved fewer rows than it had answers: some
    row had moved on (timed out) while its send was out. Which one is not known, so the
    transaction is rolled back and the answers written one by one."""


def _write_answers(
    conn: Connection, answers: Sequence[_Answer], policy: DeliveryPolicy, now: datetime
) -> list[bool]:
    """The answers' outcomes, those that take the same statement in one executemany (one
    round trip for a busy worker's group of sends). Raises _NotAllMoved when some row was
    no longer that attempt's."""
    by_statement: dict[Update, list[dict[str, Any]]] = {}
    for answer in answers:
        statement, one = _answer_write(answer, policy, now)
        by_statement.setdefault(statement, []).append(one)
    for statement, many in by_statement.items():
        moved = conn.execute(statement, many).rowcount
        if moved != len(many):
            if len(answers) == 1:
                return [False]
            raise _NotAllMoved
    return [True] * len(answers)


def _answer_write(
    answer: _Answer, policy: DeliveryPolicy, now: datetime
) -> tuple[Update, dict[str, Any]]:
    """The statement that writes one answer's outcome on its row, and its parameters."""
    ready = answer.ready
    params: dict[str, Any] = {
        "delivery_id": ready.delivery_id,
        "attempt": ready.attempt,
        "transport": answer.transport,
        "provider_ms": answer.took_ms,
        "now": now,
    }
    if answer.error is None:
        assert answer.result is not None
        params["provider_id"] = answer.result.provider_id
        return _MARK_SENT[DeliveryStatus(answer.result.status)], params
    params.update(
        error_code=answer.error.code,
        error_message=str(answer.error)[:500],
        due_at=now + policy.backoff(ready.attempt),
    )
    return _FAILED_ATTEMPT[_after_failure(answer, policy)], params


def _mark_alerts_sent(
    conn: Connection, answers: Sequence[_Answer], moved: Sequence[bool], now: datetime
) -> None:
    """An alert's first message out marks it sent."""
    alerts = sorted(
        {
            a.ready.alert_id
            for a, m in zip(answers, moved, strict=True)
            if m and a.error is None and a.ready.alert_unsent and a.ready.alert_id
        }
    )
    if alerts:
        for statement in _MARK_ALERTS_SENT:
            conn.execute(statement, {"ids": alerts, "now": now})


def _after_failure(answer: _Answer, policy: DeliveryPolicy) -> DeliveryStatus:
    """A permanent failure, or the last attempt, fails the message; a temporary one waits
    to be retried, with backoff."""
    assert answer.error is not None
    retry = not answer.error.permanent and answer.ready.attempt < policy.max_attempts
    return CREATED if retry else FAILED


def _outcome(answer: _Answer, moved: bool, policy: DeliveryPolicy) -> str:
    """The count an answer goes under, once written (or found too late to write)."""
    ready, exc, result = answer.ready, answer.error, answer.result
    if exc is None:
        assert result is not None
        return result.status if moved else _late(ready, answer.transport, result.status)
    if not moved:
        return _late(ready, answer.transport, f"failure {exc.code}")
    status = _after_failure(answer, policy)
    log.warning(
        "delivery %s via %s failed (%s, %s): %s",
        ready.delivery_id,
        answer.transport,
        "permanent" if exc.permanent else "temporary",
        exc.code,
        status,
    )
    return str(status)


def _late(ready: _Ready, transport_name: str, status: str) -> str:
    """The provider answered after the row was timed out (failed, or waiting to be
    retried): the row stays as it is."""
    log.warning(
        "delivery %s via %s: the provider answered %s after the send was timed out; "
        "the row is left as it is",
        ready.delivery_id,
        transport_name,
        status,
    )
    return LATE


# The count of answers that came after their row was timed out (send_claimed's counts).
LATE = "late"


def _until_written(write: Callable[[], T], what: str, policy: DeliveryPolicy) -> T:
    """Run a write of what only this process knows (a provider's answer, a claim handed
    back), retrying while the database is away (restarting, failing over), for up to most
    of the sending timeout: once the database is back the write goes in, long before the
    message could be taken for stuck and sent again."""
    deadline = time.monotonic() + policy.sending_timeout.total_seconds() * 0.8
    delay = 0.25
    while True:
        try:
            return write()
        except UNAVAILABLE as exc:
            if time.monotonic() + delay > deadline:
                log.error("%s: database unavailable, giving up (%s)", what, type(exc).__name__)
                raise
            log.warning("%s: database unavailable, writing again in %.2fs", what, delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def send_claimed(
    engine: Engine,
    claimed: Sequence[int],
    transports: Mapping[str, Transport],
    policy: DeliveryPolicy,
    now: datetime,
    pool: ThreadPoolExecutor | None = None,
    stop: threading.Event | None = None,
) -> dict[str, int]:
    """Send claimed deliveries, `policy.concurrency` at a time; returns counts by status.

    Each group is checked against the database right before it goes, so at most one
    provider round trip separates the check from the send. With `stop` set (the worker
    was told to stop), the groups not yet sent are handed back.
    """
    counts: dict[str, int] = {}
    group = max(policy.concurrency, 1)
    for start in range(0, len(claimed), group):
        ids = claimed[start : start + group]
        if stop is not None and stop.is_set():
            _hand_back(engine, claimed[start:], policy, "the worker is stopping")
            break
        try:
            ready = _still_to_send(engine, ids, policy, now)
        except UNAVAILABLE:
            _hand_back(engine, claimed[start:], policy, "the database was away")
            raise
        if len(ready) < len(ids):
            counts[CANCELLED] = counts.get(CANCELLED, 0) + len(ids) - len(ready)
        for status in _send_group(engine, transports, ready, policy, now, pool):
            counts[status] = counts.get(status, 0) + 1
    return counts


def _send_group(
    engine: Engine,
    transports: Mapping[str, Transport],
    ready: Sequence[_Ready],
    policy: DeliveryPolicy,
    now: datetime,
    pool: ThreadPoolExecutor | None,
) -> Iterator[str]:
    """Send a group at once (on the pool) and write the answers as they come: whatever
    has come in while the last write was going on is written in the next, in one
    transaction, so a busy worker writes a few answers a commit, an idle one each alone."""
    if pool is None or len(ready) < 2:
        for one in ready:
            yield from _record(engine, [_call(transports, one)], policy, now)
        return
    pending = {pool.submit(_call, transports, one) for one in ready}
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from _record(engine, [future.result() for future in done], policy, now)


def _hand_back(engine: Engine, ids: Sequence[int], policy: DeliveryPolicy, why: str) -> None:
    """Claimed messages this worker will not send after all: back to `created`, as they
    were (the claim's attempt undone), for the next pass of any worker."""
    if not ids:
        return
    statement = DELIVERY.statement(
        CREATED,
        col(Delivery.id).in_(list(ids)),
        col(Delivery.status) == SENDING,
        claimed_at=None,
        attempts=col(Delivery.attempts) - 1,
    )

    def write() -> None:
        with engine.begin() as conn:
            conn.execute(statement)

    _until_written(write, f"{len(ids)} claimed messages handed back", policy)
    log.warning("%d claimed messages handed back unsent: %s", len(ids), why)


def time_out_stuck(session: Session, now: datetime, policy: DeliveryPolicy) -> int:
    """A message left in 'sending' past the timeout: its worker died or hung mid-send, and
    nobody knows whether the provider took it. Retried once on the same channel (a second
    identical SMS is better than none: it carries no personal data and its link is the
    same); stuck again, or out of attempts, it fails, and the same person is tried on the
    next channel (escalation/failures.py). Returns how many were timed out."""
    stuck = (
        col(Delivery.status) == SENDING,
        col(Delivery.claimed_at) < now - policy.sending_timeout,
    )
    given_up = or_(
        col(Delivery.error_code) == SENDING_TIMEOUT,
        col(Delivery.attempts) >= policy.max_attempts,
    )
    failed = DELIVERY.move_all(
        session,
        FAILED,
        *stuck,
        given_up,
        updated_at=now,
        error_code=SENDING_TIMEOUT,
        error_message="stuck in sending twice, or out of attempts: not retried",
    )
    retried = DELIVERY.move_all(
        session, CREATED, *stuck, due_at=now, updated_at=now, error_code=SENDING_TIMEOUT
    )
    return len(failed) + len(retried)


def send_due(
    engine: Engine,
    transports: Mapping[str, Transport],
    policy: DeliveryPolicy,
    now: datetime,
    stop: threading.Event | None = None,
    pool: ThreadPoolExecutor | None = None,
) -> dict[str, int]:
    """One pass: claim what is due, send it. Returns counts by status. With `stop` set, no
    more is claimed and what is claimed but unsent is handed back. (Rows stuck in `sending`
    are timed out by the worker, `time_out_stuck`, every few seconds.)

    Each step commits on its own: each batch claimed (before any of it is sent), and the
    messages' outcomes."""
    counts: dict[str, int] = {}
    # Provider calls are slow and independent: several at once, on the worker's pool (kept
    # from pass to pass: its threads are not started again for every pass).
    with contextlib.ExitStack() as own:
        if pool is None:
            pool = own.enter_context(send_pool(policy))
        while stop is None or not stop.is_set():
            with session_scope(engine) as session:
                claimed = claim_due(session, now, policy)
            if not claimed:
                break
            sent = send_claimed(engine, claimed, transports, policy, now, pool, stop)
            for status, n in sent.items():
                counts[status] = counts.get(status, 0) + n
    return counts


def send_pool(policy: DeliveryPolicy) -> ThreadPoolExecutor:
    """The threads that make provider calls, `policy.concurrency` of them."""
    return ThreadPoolExecutor(max_workers=max(policy.concurrency, 1), thread_name_prefix="send")
