"""Sessions kept on the server, so that ending one ends every copy of its cookie.

The signed cookie carries only a random session id; the database holds its sha256, when
it started, when it was last used, and when (and why) it ended. Every request checks the
row: signing out, deactivation, a password or two-factor reset and an administrator's
"sign out everywhere" end the rows, and a copy of the cookie taken earlier stops working.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from encompass.auth import devices
from encompass.auth.passwords import new_token, token_hash
from encompass.models import UserSession

# The session key that holds the id.
SESSION_ID = "sid"
# last_seen_at is written at most this often: not a write on every request.
SEEN_RESOLUTION = timedelta(minutes=1)


def start(session: Session, user_id: int, now: datetime) -> str:
    """A new server-side session for the user; returns the id the cookie carries."""
    token = new_token()
    session.add(
        UserSession(user_id=user_id, token_hash=token_hash(token), created_at=now, seen_at=now)
    )
    return token


def find(session: Session, token: object) -> UserSession | None:
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    return session.exec(
        select(UserSession).where(UserSession.token_hash == token_hash(token))
    ).first()


def check(
    session: Session,
    token: object,
    user_id: int,
    now: datetime,
    *,
    idle: timedelta,
    longest: timedelta,
) -> str | None:
    """None when the session is live (and marks it used); else why it is not."""
    row = find(session, token)
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return "ended"
    if now - row.seen_at > idle or now - row.created_at > longest:
        end_row(session, row, now, "idle" if now - row.seen_at > idle else "too old")
        return "idle"
    if now - row.seen_at >= SEEN_RESOLUTION:
        row.seen_at = now
        session.add(row)
    return None


def end_row(session: Session, row: UserSession, now: datetime, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_reason = now, reason[:30]
        session.add(row)


def end(session: Session, token: object, now: datetime, reason: str = "signed out") -> None:
    """End this one session (signing out on this device)."""
    row = find(session, token)
    if row is not None:
        end_row(session, row, now, reason)


def end_all(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every open session of the user, on every device, and forget every device they
    remembered (the next sign-in anywhere asks for the code again); returns how many
    sessions ended."""
    devices.end_all(session, user_id, now, reason)
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
        .values(ended_at=now, ended_reason=reason[:30])
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def sweep(session: Session, now: datetime, older_than: timedelta = timedelta(days=2)) -> int:
    """Forget sessions started longer ago than any session may last, and remembered devices
    long expired (run by the worker)."""
    devices.sweep(session, now)
    result = session.execute(
        delete(UserSession).where(col(UserSession.created_at) < now - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
