"""Authenticator-app codes (TOTP, RFC 6238: 6 digits, 30 seconds, SHA-1) for sign-in.

A code is accepted for the current 30-second step and one either side (phone clocks
drift), and each step only once per user: a code seen over someone's shoulder, or
replayed from a captured request, does not work a second time.
"""

from __future__ import annotations

import hmac
import html
from datetime import datetime

import pyotp
import segno
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, or_

from encompass.models import User

STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def otpauth_uri(secret: str, email: str, issuer: str) -> str:
    """What an authenticator app scans (or takes typed in): otpauth://totp/..."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The otpauth URI as a QR code, an inline <svg> (no script, no style attribute: the
    Content-Security-Policy allows it), labelled for screen readers, who use the key."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", svgclass="app-totp__svg", omitsize=False
    )
    label = html.escape(
        _("QR code to scan with your authenticator app (the key beside it says the same)")
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)


def spaced(secret: str) -> str:
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step this code belongs to, if it is valid now and not used before."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code, code_at_step(secret, step)):
            return step
    return None


def use_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Check a code and spend its time step, atomically (two requests cannot both win)."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        return False
    spent = session.execute(
        update(User)
        .where(col(User.id) == user.id)
        .where(or_(col(User.totp_last_step).is_(None), col(User.totp_last_step) < step))
        .values(totp_last_step=step)
    ).rowcount  # type: ignore[attr-defined]
    if spent != 1:
        return False
    user.totp_last_step = step
    return True
