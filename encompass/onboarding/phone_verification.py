"""Prove a Key Adult's mobile number works before the morning it matters.

The coordinator sends a six-digit code by SMS (through the delivery queue, like every
message) and types in the code the Key Adult reads back. Only a keyed hash of the code
is stored, bound to the Key Adult and the number; a code lasts ten minutes and allows
five tries. Once the number is verified the code is also blanked out of the message's
stored text.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from encompass.delivery.outbox import Outbox
from encompass.lifecycles.delivery import WAITING
from encompass.models import Delivery, KeyAdult, PhoneVerification
from encompass.onboarding.errors import OnboardingError
from encompass.records import audit

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# A second code this soon is refused: it would only arrive out of order with the first.
RESEND_AFTER = timedelta(seconds=30)
REASON = "phone_verification"
SMS_TEXT = "Operation Encompass: your phone verification code is {code}. It expires in 10 minutes."
REDACTED = SMS_TEXT.format(code="(used)")


class VerificationError(OnboardingError):
    """The code cannot be sent or accepted; the message says why, for the coordinator."""


def code_hash(secret: str, adult_id: int, phone: str, code: str) -> str:
    """HMAC, not a bare hash: a six-digit code's sha256 could be reversed in a blink."""
    message = f"{adult_id}:{phone}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def latest(session: Session, adult_id: int) -> PhoneVerification | None:
    return session.exec(
        select(PhoneVerification)
        .where(PhoneVerification.key_adult_id == adult_id)
        .order_by(col(PhoneVerification.id).desc())
    ).first()


def send_code(
    session: Session, adult: KeyAdult, *, secret: str, now: datetime, user_id: int
) -> PhoneVerification:
    """Queue a new code by SMS; any earlier unused code stops working."""
    assert adult.id is not None
    if not adult.phone:
        raise VerificationError("This Key Adult has no mobile number to verify")
    previous = latest(session, adult.id)
    if previous is not None and previous.verified_at is None:
        if now - previous.created_at < RESEND_AFTER:
            raise VerificationError("A code was sent a moment ago: wait a minute for it to arrive")
        previous.expires_at = min(previous.expires_at, now)
        session.add(previous)
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification = PhoneVerification(
        key_adult_id=adult.id,
        phone=adult.phone,
        code_hash=code_hash(secret, adult.id, adult.phone, code),
        created_at=now,
        expires_at=now + CODE_TTL,
        sent_by_user_id=user_id,
    )
    session.add(verification)
    out = Outbox(now)
    out.message(
        channel="sms",
        to_address=adult.phone,
        body=SMS_TEXT.format(code=code),
        due_at=now,
        key_adult_id=adult.id,
        reason=REASON,
    )
    out.write(session)
    session.flush()
    audit.record(
        session,
        "phone_verification.sent",
        user_id=user_id,
        object_type="key_adult",
        object_id=adult.id,
        at=now,
    )
    return verification


def check_code(
    session: Session, adult: KeyAdult, code: str, *, secret: str, now: datetime, user_id: int
) -> None:
    """Mark the phone verified, or raise VerificationError saying what to do next."""
    assert adult.id is not None
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        raise VerificationError("Enter the 6-digit code from the text message")
    verification = latest(session, adult.id)
    if verification is None or verification.verified_at is not None:
        raise VerificationError("Send a code to the Key Adult's phone first")
    if verification.phone != adult.phone:
        raise VerificationError("The number has changed since the code was sent: send a new code")
    if verification.expires_at <= now:
        raise VerificationError("The code has expired: send a new code")
    if verification.attempts >= MAX_ATTEMPTS:
        raise VerificationError("Too many wrong codes: send a new code")
    verification.attempts += 1
    session.add(verification)
    expected = code_hash(secret, adult.id, adult.phone, code)
    if not hmac.compare_digest(expected, verification.code_hash):
        audit.record(
            session,
            "phone_verification.failed",
            user_id=user_id,
            object_type="key_adult",
            object_id=adult.id,
            at=now,
        )
        left = MAX_ATTEMPTS - verification.attempts
        if left <= 0:
            raise VerificationError(
                "The code is not right, and that was the last try: send a new code"
            )
        raise VerificationError(
            f"The code is not right: check it and try again ({left} tries left)"
        )
    verification.verified_at = now
    adult.phone_verified_at = now
    adult.contact_failed_at = None
    adult.contact_failure = None
    session.add(adult)
    # The code has done its job; nothing keeps it readable after this.
    session.execute(
        update(Delivery)
        .where(
            col(Delivery.key_adult_id) == adult.id,
            col(Delivery.reason) == REASON,
            col(Delivery.status).not_in(WAITING),
        )
        .values(body=REDACTED, updated_at=now)
    )
    audit.record(
        session,
        "phone_verification.verified",
        user_id=user_id,
        object_type="key_adult",
        object_id=adult.id,
        at=now,
    )
