"""Append-only, tamper-evident audit trail: every read of a child's details and every change.

Writing an entry is a plain INSERT (cheap, no lock, safe from any number of processes).
Entries are chained afterwards by `seal()`, which the worker runs every tick: in id order
each unsealed entry gets the next `seq`, the previous entry's hash as `prev_hash`, and
`hash` = sha256 over its own fields and `prev_hash`. Editing, reordering or removing a
sealed entry breaks the chain, which `verify()` (`encompass audit verify`) reports; the
database also refuses to change a sealed row (a trigger, see migration 0006).

Details never carry personal data (no names, dates of birth, addresses or free text):
ids, counts and field names only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, or_, select

from encompass.db import is_postgres, utcnow
from encompass.models import Alert, AlertLink, AuditEvent, Child, ReviewItem, User

GENESIS = "0" * 64
# An arbitrary constant: the PostgreSQL advisory lock that one sealer holds at a time.
_SEAL_LOCK = 7_240_417


def record(
    session: Session,
    action: str,
    *,
    user_id: int | None = None,
    force_id: int | None = None,
    object_type: str = "",
    object_id: int | None = None,
    remote_addr: str | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Add an entry (the caller commits). In a request, "from where" defaults to its address."""
    if remote_addr is None:
        remote_addr = (request.remote_addr or "") if has_request_context() else ""
    event = AuditEvent(
        at=at or utcnow(),
        user_id=user_id,
        force_id=force_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        remote_addr=remote_addr[:64],
        detail=detail[:500],
    )
    session.add(event)
    return event


def entry_hash(event: AuditEvent, seq: int, prev_hash: str) -> str:
    """sha256 of the entry's fields, its place in the chain and the previous hash."""
    at = event.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    fields = [
        seq,
        event.id,
        at,
        event.user_id,
        event.force_id,
        event.action,
        event.object_type,
        event.object_id,
        event.remote_addr,
        event.detail,
        prev_hash,
    ]
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    last = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.seq).is_not(None))
        .order_by(col(AuditEvent.seq).desc())
    ).first()
    if last is None or last.seq is None or last.hash is None:
        return 0, GENESIS
    return last.seq, last.hash


def seal(session: Session, batch: int = 1000) -> int:
    """Chain the unsealed entries, oldest id first; returns how many were sealed.

    Safe to run from several processes: on PostgreSQL one sealer holds an advisory lock
    and the others skip; on SQLite (and as a backstop) a clash on the unique `seq` or a
    row already sealed rolls this batch back for the next pass.
    """
    try:
        if is_postgres(session):
            locked = session.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _SEAL_LOCK}
            ).scalar_one()
            if not locked:
                session.rollback()
                return 0
        seq, prev = _head(session)
        pending = list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.seq).is_(None))
                .order_by(col(AuditEvent.id))
                .limit(batch)
            )
        )
        for event in pending:
            seq += 1
            digest = entry_hash(event, seq, prev)
            changed = session.execute(
                update(AuditEvent)
                .where(col(AuditEvent.id) == event.id, col(AuditEvent.seq).is_(None))
                .values(seq=seq, prev_hash=prev, hash=digest)
            ).rowcount  # type: ignore[attr-defined]
            if changed != 1:
                session.rollback()
                return 0
            prev = digest
        session.commit()
        return len(pending)
    except (IntegrityError, OperationalError):
        session.rollback()
        return 0


@dataclass
class ChainReport:
    sealed: int = 0
    unsealed: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, batch: int = 5000, max_problems: int = 50) -> ChainReport:
    """Walk the sealed chain by seq: contiguous, linked, and every hash matching its entry.

    Give it a session of its own: it empties the session between batches.
    """
    report = ChainReport()
    expected_seq, prev = 1, GENESIS
    last_seq = 0
    while True:
        rows = list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.seq) > last_seq)
                .order_by(col(AuditEvent.seq))
                .limit(batch)
            )
        )
        if not rows:
            break
        for event in rows:
            assert event.seq is not None
            last_seq = event.seq
            if event.seq != expected_seq:
                report.problems.append(
                    f"entries {expected_seq} to {event.seq - 1} of the chain are missing"
                )
            if event.prev_hash != prev:
                report.problems.append(
                    f"entry {event.seq} (id {event.id}) does not follow the entry before it"
                )
            if event.hash != entry_hash(event, event.seq, event.prev_hash or ""):
                report.problems.append(
                    f"entry {event.seq} (id {event.id}) was changed after it was sealed"
                )
            prev = event.hash or ""
            expected_seq = event.seq + 1
            report.sealed += 1
            if len(report.problems) >= max_problems:
                report.problems.append("(stopped after too many problems)")
                return report
        session.expunge_all()
    report.head_hash = prev
    report.unsealed = len(
        session.exec(select(AuditEvent.id).where(col(AuditEvent.seq).is_(None))).all()
    )
    return report


@dataclass
class AccessEntry:
    event: AuditEvent
    email: str | None


def notice_access(session: Session, notice_id: int) -> list[AccessEntry]:
    """Who read or acted on a notice, its children's alerts, alert links and review items,
    oldest first."""
    child_ids = select(Child.id).where(Child.notice_id == notice_id)
    alert_ids = select(Alert.id).where(col(Alert.child_id).in_(child_ids))
    review_ids = select(ReviewItem.id).where(ReviewItem.notice_id == notice_id)
    # The alert links in the children's messages: who opened them, and who was refused.
    link_ids = select(AlertLink.id).where(col(AlertLink.alert_id).in_(alert_ids))
    rows = session.exec(
        select(AuditEvent, User.email)
        .join(User, col(User.id) == AuditEvent.user_id, isouter=True)
        .where(
            or_(
                (col(AuditEvent.object_type) == "notice")
                & (col(AuditEvent.object_id) == notice_id),
                (col(AuditEvent.object_type) == "alert") & col(AuditEvent.object_id).in_(alert_ids),
                (col(AuditEvent.object_type) == "review_item")
                & col(AuditEvent.object_id).in_(review_ids),
                (col(AuditEvent.object_type) == "alert_link")
                & col(AuditEvent.object_id).in_(link_ids),
            )
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    ).all()
    return [AccessEntry(event, email) for event, email in rows]
