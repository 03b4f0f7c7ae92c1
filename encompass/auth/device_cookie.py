"""The remembered-device cookie on this request and its response (devices.py keeps the rows):
reading it for the signed-in or signing-in user, setting it after a right code, clearing it.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlmodel import Session

from encompass.auth import devices
from encompass.auth.passwords import token_hash
from encompass.auth.policy import access_policy, sign_in_policy
from encompass.config import installed
from encompass.db import utcnow
from encompass.models import RememberedDevice, User
from encompass.records import audit


def _read(user_id: int | None) -> str | None:
    """The device id this browser's cookie carries, if the cookie is the user's."""
    found = devices.read_cookie(
        access_policy().secret_key, request.cookies.get(sign_in_policy().remember_cookie)
    )
    return found[1] if found is not None and found[0] == user_id else None


def this_device(session: Session, user: User) -> RememberedDevice | None:
    """This browser's device, if the user remembered it and it still stands for the code."""
    if not sign_in_policy().remember_device or user.totp_enabled_at is None or user.id is None:
        return None
    token = _read(user.id)
    return devices.live(session, user.id, token, utcnow()) if token else None


def this_device_hash(user_id: int) -> str | None:
    """What this browser's device row is known by (to mark "this device" in a list)."""
    token = _read(user_id)
    return token_hash(token) if token else None


def remember_until() -> str:
    """When a device remembered now stops being remembered, as a person reads it."""
    lasts = sign_in_policy().remember_device
    if not lasts:
        return ""
    now = utcnow().astimezone(installed(ZoneInfo))
    until = (now + lasts).astimezone(now.tzinfo)
    days = (until.date() - now.date()).days
    if days == 0:
        return _("%(time)s today", time=until.strftime("%H:%M"))
    if days == 1:
        return _("%(time)s tomorrow", time=until.strftime("%H:%M"))
    day = format_date(until.date(), "EEE d MMM", locale=str(get_locale() or "en"))
    return f"{until:%H:%M} {day}"


def remember_this_device(session: Session, user: User) -> str:
    """Remember this browser for the working day (the caller commits); returns the value of
    the signed cookie that goes with it."""
    assert user.id is not None
    token = devices.remember(
        session,
        user.id,
        now=utcnow(),
        lasts=sign_in_policy().remember_device,
        label=devices.label_for(request.headers.get("User-Agent", "")),
    )
    audit.record(
        session, "device.remembered", user_id=user.id, object_type="user", object_id=user.id
    )
    return devices.cookie_value(access_policy().secret_key, user.id, token)


def set_on(response: Any, value: str) -> Any:
    policy = sign_in_policy()
    response.set_cookie(
        policy.remember_cookie,
        value,
        max_age=int(policy.remember_device.total_seconds()),
        secure=policy.cookie_secure,
        httponly=True,
        samesite="Lax",
        path="/",
    )
    return response


def clear_on(response: Any) -> Any:
    policy = sign_in_policy()
    response.delete_cookie(
        policy.remember_cookie, path="/", secure=policy.cookie_secure, httponly=True
    )
    return response
