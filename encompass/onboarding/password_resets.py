"""Forgotten passwords: a single-use link, e-mailed to the account's own address, that
expires (PASSWORD_RESET_TTL_MINUTES) and sets a new password.

Asked for on the sign-in page by anyone who types an address, or sent by a coordinator or
an administrator from a Key Adult's row. The answer to "Forgotten your password?" is the
same for every address, known or not, and the request does the same work either way (a
rate-limit count, a look-up, an audit entry); the e-mail itself is sent by the worker
through the delivery queue, so no request waits on a mail server. One address is sent at
most PASSWORD_RESETS_PER_ADDRESS e-mails per window. The e-mail carries no personal data:
the link, how long it works, and what to do if it was not asked for.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from encompass.auth import ratelimit
from encompass.delivery.outbox import Outbox
from encompass.language import catalogue, compose
from encompass.language.choice import message_languages, welsh_council
from encompass.models import Setting, User
from encompass.onboarding.invitations import RESET, InvitationPolicy, lasting, new_link
from encompass.records import audit

REASON = "password_reset"


def reset_email(
    link: str, ttl: timedelta, *, by_coordinator: bool, languages: tuple[str, ...] | None = None
) -> tuple[str, str]:
    """In the account's languages (English by default; bilingual Welsh first)."""
    subjects, bodies = [], []
    for lang in languages or ("en",):
        t = catalogue(lang)
        asked = (
            t.gettext(
                "Your council's Operation Encompass coordinator has sent you this link to "
                "choose a new password."
            )
            if by_coordinator
            else t.gettext(
                "Someone, probably you, asked to reset the password of your Operation "
                "Encompass account."
            )
        )
        subjects.append(t.gettext("Operation Encompass: choose a new password"))
        bodies.append(
            t.gettext(
                "%(asked)s\n\n"
                "Choose a new password here (the link works once, for %(lasts)s):\n%(link)s\n\n"
                "Choosing a new password signs your account out on every other device. If you "
                "did not ask for this, you can ignore this e-mail: your password has not "
                "changed.\n"
            )
            % {"asked": asked, "lasts": lasting(ttl, lang, in_days=False), "link": link}
        )
    return compose.email(subjects, bodies)


def account_languages(session: Session, user: User) -> tuple[str, ...]:
    """The account's choice, else its setting's; a council's account from a Welsh council
    bilingual; anyone else's (police, administrators) English."""
    setting = session.get(Setting, user.setting_id) if user.setting_id else None
    if setting is not None:
        return message_languages(user.language, setting.nation, setting.message_language)
    return message_languages(user.language, "wales" if welsh_council(user.la_code) else None)


def send_reset(
    session: Session,
    user: User,
    policy: InvitationPolicy,
    *,
    now: datetime,
    sent_by: int | None = None,
) -> bool:
    """Queue a reset e-mail to the account's address; earlier reset links stop working.
    Nothing for a deactivated account. Returns whether an e-mail was queued."""
    if not user.active:
        return False
    token = new_link(session, user, now=now, ttl=policy.reset_ttl, sent_by=sent_by, purpose=RESET)
    subject, body = reset_email(
        f"{policy.base_url}/password-reset/{token}",
        policy.reset_ttl,
        by_coordinator=sent_by is not None,
        languages=account_languages(session, user),
    )
    out = Outbox(now)
    out.message(
        channel="email",
        to_address=user.email,
        subject=subject,
        body=body,
        due_at=now,
        reason=REASON,
    )
    out.write(session)
    audit.record(
        session,
        "password_reset.sent",
        user_id=sent_by,
        object_type="user",
        object_id=user.id,
        detail="asked for on the sign-in page" if sent_by is None else "sent by a coordinator",
        at=now,
    )
    return True


def request_reset(session: Session, email: str, policy: InvitationPolicy, *, now: datetime) -> None:
    """ "Forgotten your password?": e-mail a link if the address has an active account.

    Returns nothing, on purpose: the page says the same whatever happened here.
    """
    email = email.strip().lower()
    asked = ratelimit.hit(session, ratelimit.bucket("password-reset", email), policy.window, now)
    user = session.exec(select(User).where(User.email == email)).first()
    if asked > policy.resets_per_address:
        audit.record(session, "password_reset.refused", detail="too many for one address", at=now)
    elif user is None or not user.active:
        audit.record(
            session, "password_reset.refused", detail="no active account for the address", at=now
        )
    else:
        send_reset(session, user, policy, now=now)
