"""Devices remembered for the working day: after a right authenticator code, a person may
ask this browser not to ask for a code again until REMEMBER_DEVICE_HOURS have passed.

The browser keeps a cookie signed with SECRET_KEY that carries the user's id and a random
id; the database keeps the id's sha256, what the browser said it was, and when the
remembering ends. A remembered device still needs the password: it replaces the code
only. Each one is listed on the account page and can be ended there one by one; every one
ends with "sign out everywhere", a new password, a reset authenticator app and
deactivation (sessions.end_all), and when it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from encompass.auth.passwords import new_token, token_hash
from encompass.models import RememberedDevice

SALT = "encompass-remembered-device"


def remember(session: Session, user_id: int, *, now: datetime, lasts: timedelta, label: str) -> str:
    """Remember this device; returns the random id its cookie carries (shown nowhere else)."""
    token = new_token()
    session.add(
        RememberedDevice(
            user_id=user_id,
            token_hash=token_hash(token),
            label=label[:80],
            created_at=now,
            expires_at=now + lasts,
        )
    )
    return token


def cookie_value(secret: str, user_id: int, token: str) -> str:
    return URLSafeSerializer(secret, salt=SALT).dumps([user_id, token])


def read_cookie(secret: str, raw: str | None) -> tuple[int, str] | None:
    """(user id, device id) from a cookie this service signed, else None."""
    if not raw or len(raw) > 300:
        return None
    try:
        value = URLSafeSerializer(secret, salt=SALT).loads(raw)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    user_id, token = value
    if not isinstance(user_id, int) or not isinstance(token, str):
        return None
    return user_id, token


def live(session: Session, user_id: int, token: str, now: datetime) -> RememberedDevice | None:
    """The user's remembered device with this id, if it has not ended or expired."""
    row = session.exec(
        select(RememberedDevice).where(RememberedDevice.token_hash == token_hash(token))
    ).first()
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    return row if row.expires_at > now else None


def listed(session: Session, user_id: int, now: datetime) -> list[RememberedDevice]:
    """The user's devices still remembered, newest first (the account page)."""
    return list(
        session.exec(
            select(RememberedDevice)
            .where(RememberedDevice.user_id == user_id, col(RememberedDevice.ended_at).is_(None))
            .where(col(RememberedDevice.expires_at) > now)
            .order_by(col(RememberedDevice.id).desc())
        )
    )


def end(session: Session, row: RememberedDevice, now: datetime, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_reason = now, reason[:30]
        session.add(row)


def end_all(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """Forget every device the user has remembered; returns how many."""
    result = session.execute(
        update(RememberedDevice)
        .where(col(RememberedDevice.user_id) == user_id, col(RememberedDevice.ended_at).is_(None))
        .values(ended_at=now, ended_reason=reason[:30])
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def sweep(session: Session, now: datetime, older_than: timedelta = timedelta(days=2)) -> int:
    """Forget devices whose remembering ended long ago (run by the worker)."""
    result = session.execute(
        delete(RememberedDevice).where(col(RememberedDevice.expires_at) < now - older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def label_for(user_agent: str) -> str:
    """ "Chrome on Android": enough for a person to tell their devices apart."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for marker, name in (
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("SamsungBrowser/", "Samsung Internet"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if marker in ua
        ),
        "A browser",
    )
    system = next(
        (
            name
            for marker, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS X", "Mac"),
                ("CrOS", "Chromebook"),
                ("Linux", "Linux"),
            )
            if marker in ua
        ),
        "",
    )
    return f"{browser} on {system}" if system else browser
