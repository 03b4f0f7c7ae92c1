"""Accounts for Key Adults: every contact who may be alerted can sign in.

Adding a Key Adult (the setting page, `encompass contacts import`) finds the account with
their e-mail address, or makes one with no password yet, and links the two: one person
may be a Key Adult at several settings with one account. A new account is sent an
invitation e-mail with a single-use link that expires (INVITATION_TTL_HOURS) to set a
password; a role that needs an authenticator app sets one up straight after. Only the
link's sha256 is stored. An alert link opened by a Key Adult who has no password yet
leads to the same page, and then to the alert, only when their mobile was verified
(invitation_from_alert_link says why); otherwise to their invitation e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from encompass.alerts.recipients import languages_for
from encompass.auth.passwords import new_token, token_hash
from encompass.auth.users import set_password
from encompass.delivery.outbox import Outbox
from encompass.language import catalogue, compose
from encompass.models import Invitation, KeyAdult, Setting, User
from encompass.records import audit

REASON = "invitation"
# What an Invitation row is for (models/people.py): a first password, or a forgotten one.
FIRST_PASSWORD, RESET = "invitation", "reset"
# The invitation an alert link makes on the spot: used at once, so short.
ON_THE_SPOT = timedelta(hours=1)


@dataclass(frozen=True)
class InvitationPolicy:
    """Links e-mailed to set a password: an invitation, and a forgotten password's reset."""

    base_url: str
    ttl: timedelta
    reset_ttl: timedelta = timedelta(hours=1)
    # Reset e-mails to one address per window (RATE_LIMIT_WINDOW_MINUTES); more are not sent.
    resets_per_address: int = 3
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> InvitationPolicy:
        return cls(
            base_url=str(cfg["PUBLIC_BASE_URL"]),
            ttl=timedelta(hours=int(cfg["INVITATION_TTL_HOURS"])),
            reset_ttl=timedelta(minutes=int(cfg["PASSWORD_RESET_TTL_MINUTES"])),
            resets_per_address=int(cfg["PASSWORD_RESETS_PER_ADDRESS"]),
            window=timedelta(minutes=int(cfg["RATE_LIMIT_WINDOW_MINUTES"])),
        )


def accepted(user: User) -> bool:
    """The person has set a password (accepted their invitation)."""
    return bool(user.password_hash)


def account_for(session: Session, adult: KeyAdult, *, now: datetime) -> User:
    """The account this Key Adult signs in with: linked, found by e-mail, or made now."""
    if adult.user_id is not None:
        linked = session.get(User, adult.user_id)
        if linked is not None:
            return linked
    email = adult.email.strip().lower()
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        council = adult.setting_id is None
        user = User(
            email=email,
            role="coordinator" if council else "dsl",
            password_hash="",  # none until the invitation is taken  # nosec B106
            setting_id=adult.setting_id,
            la_code=adult.la_code,
            created_at=now,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            "user.created",
            object_type="user",
            object_id=user.id,
            detail=f"{user.role}, for Key Adult {adult.id}: invited to set a password",
            at=now,
        )
    adult.user_id = user.id
    session.add(adult)
    return user


def new_link(
    session: Session,
    user: User,
    *,
    now: datetime,
    ttl: timedelta,
    sent_by: int | None,
    purpose: str = FIRST_PASSWORD,
    replace: bool = True,
) -> str:
    """A new single-use link of this purpose; with `replace`, the user's earlier live ones
    of the same purpose stop working (the newest e-mail is the one that counts)."""
    token = new_token()
    assert user.id is not None
    if replace:
        session.execute(
            update(Invitation)
            .where(col(Invitation.user_id) == user.id, col(Invitation.used_at).is_(None))
            .where(col(Invitation.purpose) == purpose, col(Invitation.expires_at) > now)
            .values(expires_at=now)
        )
    session.add(
        Invitation(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + ttl,
            sent_by_user_id=sent_by,
        )
    )
    return token


def live_invitation(session: Session, user_id: int, now: datetime) -> Invitation | None:
    return session.exec(
        select(Invitation).where(
            Invitation.user_id == user_id,
            Invitation.purpose == FIRST_PASSWORD,
            col(Invitation.used_at).is_(None),
            col(Invitation.expires_at) > now,
        )
    ).first()


def invite(
    session: Session,
    adult: KeyAdult,
    policy: InvitationPolicy,
    *,
    now: datetime,
    sent_by: int | None = None,
    again: bool = False,
) -> bool:
    """Link the Key Adult to an account and e-mail an invitation if it has no password.

    An invitation already on its way is left alone unless `again` (re-invite), when the
    earlier ones stop working. Returns whether an e-mail was queued.
    """
    user = account_for(session, adult, now=now)
    assert user.id is not None
    if accepted(user) or not user.active:
        return False
    if not again and live_invitation(session, user.id, now) is not None:
        return False
    token = new_link(session, user, now=now, ttl=policy.ttl, sent_by=sent_by)
    setting = session.get(Setting, adult.setting_id) if adult.setting_id else None
    subject, body = invitation_email(
        setting.short_name if setting else None,
        f"{policy.base_url}/invitation/{token}",
        policy.ttl,
        languages_for(adult, setting, user.language),
        la_code=adult.la_code,
    )
    out = Outbox(now)
    out.message(
        channel="email",
        to_address=user.email,
        subject=subject,
        body=body,
        due_at=now,
        key_adult_id=adult.id,
        reason=REASON,
    )
    out.write(session)
    audit.record(
        session,
        "user.invited",
        user_id=sent_by,
        object_type="user",
        object_id=user.id,
        detail=f"for Key Adult {adult.id}" + (" (again)" if again else ""),
        at=now,
    )
    return True


def lasting(ttl: timedelta, lang: str, *, in_days: bool = True) -> str:
    """How long a link works, in `lang`: whole days from 48 hours ('7 days'; unless not
    `in_days`), else whole hours from 2 ('48 hours'), else minutes ('30 minutes')."""
    t = catalogue(lang)
    minutes = int(ttl.total_seconds() // 60)
    hours = minutes // 60
    if in_days and minutes % (24 * 60) == 0 and hours >= 48:
        return t.ngettext("%(num)s day", "%(num)s days", hours // 24) % {"num": hours // 24}
    if minutes % 60 == 0 and hours >= 2:
        return t.ngettext("%(num)s hour", "%(num)s hours", hours) % {"num": hours}
    return t.ngettext("%(num)s minute", "%(num)s minutes", minutes) % {"num": minutes}


def invitation_email(
    setting_name: str | None,
    link: str,
    ttl: timedelta,
    languages: tuple[str, ...] | None = None,
    *,
    la_code: str | None = None,
) -> tuple[str, str]:
    """No personal data: the setting's name (or the council's LA code) and the link; in
    the invited person's languages (English by default; bilingual Welsh first)."""
    subjects, bodies = [], []
    for lang in languages or ("en",):
        t = catalogue(lang)
        where = setting_name or t.gettext("the council (LA %(la_code)s)") % {"la_code": la_code}
        subjects.append(t.gettext("Operation Encompass: set your password"))
        bodies.append(
            t.gettext(
                "You have been added as a Key Adult for %(where)s in Operation Encompass, the "
                "service that tells schools before the next school day when police attended a "
                "domestic abuse incident in a child's home.\n\n"
                "Set your password here (the link works once, for %(lasts)s):\n%(link)s\n\n"
                "You will then be able to open the notifications sent to you by text message "
                "and e-mail. If you were not expecting this, tell your council's Operation "
                "Encompass coordinator.\n"
            )
            % {"where": where, "lasts": lasting(ttl, lang), "link": link}
        )
    return compose.email(subjects, bodies)


@dataclass(frozen=True)
class AlertLinkSignIn:
    """What an alert link opened on a signed-out device leads to: "sign_in" (the account
    has a password), "set_password" (with `token`, an invitation to use at once), or
    "check_email" (no password yet, and the link is not proof enough to make one)."""

    step: str
    token: str | None = None


def invitation_from_alert_link(
    session: Session,
    adult: KeyAdult,
    *,
    now: datetime,
    needs_second_factor: Callable[[str], bool],
) -> AlertLinkSignIn:
    """A Key Adult opened an alert link with no password yet: may the link make one?

    Only an invitation e-mail, or a mobile number the council verified, proves the person.
    An alert link goes by text message to whatever number was typed in: a mistyped or
    recycled number would hand the account, and the notice, to whoever holds that phone.
    So the link leads to setting a password only when the Key Adult's mobile was verified
    (and verification ends when the number changes); otherwise to "check your e-mail for
    your invitation", with a resend to the address on record. Never for a role that needs
    an authenticator app (a coordinator sees a whole council): they use the invitation.
    """
    user = account_for(session, adult, now=now)
    if accepted(user) or not user.active:
        return AlertLinkSignIn("sign_in")
    verified = bool(adult.phone) and adult.phone_verified_at is not None
    if not verified or needs_second_factor(user.role):
        return AlertLinkSignIn("check_email")
    token = new_link(session, user, now=now, ttl=ON_THE_SPOT, sent_by=None, replace=False)
    return AlertLinkSignIn("set_password", token)


def invitation_for_token(
    session: Session, token: str, now: datetime, purpose: str = FIRST_PASSWORD
) -> Invitation | None:
    """The live link of this purpose for this token: unused, not expired, account active."""
    if not token or len(token) > 100:
        return None
    found = session.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).first()
    if found is None or found.purpose != purpose:
        return None
    if found.used_at is not None or found.expires_at <= now:
        return None
    user = session.get(User, found.user_id)
    return found if user is not None and user.active else None


def accept(session: Session, invitation: Invitation, password: str, *, now: datetime) -> User:
    """Spend the invitation (once, even when two requests race) and set the password."""
    spent = session.execute(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if spent != 1:
        raise ValueError("This link has already been used")
    user = session.get(User, invitation.user_id)
    assert user is not None
    return set_password(session, user, password, now=now)


def not_accepted(session: Session, setting_ids: list[int]) -> dict[int, int]:
    """Per setting: active Key Adults whose account has no password yet (or no account)."""
    # An account made before Key Adults were linked to one is found by its e-mail address.
    rows = session.exec(
        select(KeyAdult.setting_id, User.password_hash)
        .outerjoin(
            User,
            or_(
                col(User.id) == KeyAdult.user_id,
                and_(
                    col(KeyAdult.user_id).is_(None),
                    col(User.email) == func.lower(col(KeyAdult.email)),
                ),
            ),
        )
        .where(col(KeyAdult.setting_id).in_(setting_ids), col(KeyAdult.active))
    ).all()
    counts: dict[int, int] = {}
    for setting_id, password_hash in rows:
        if setting_id is not None and not password_hash:
            counts[setting_id] = counts.get(setting_id, 0) + 1
    return counts
