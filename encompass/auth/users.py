"""Police forces, users and Key Adults: creating them and finding them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from encompass.auth import ratelimit, sessions
from encompass.auth.passwords import hash_password, new_token, token_hash
from encompass.db import utcnow
from encompass.errors import Refused
from encompass.language.choice import PERSON_CHOICES
from encompass.models import ApiKey, KeyAdult, PoliceForce, Setting, User
from encompass.models.people import USER_ROLES
from encompass.records import audit


class AccountError(Refused):
    """A user, force, API key or account change was refused; the message says why (not
    worth retrying as it is: the input must change)."""


API_KEY_PREFIX = "enc_"


def _new_key(session: Session, force_id: int, now: datetime) -> tuple[ApiKey, str]:
    key = API_KEY_PREFIX + new_token(32)
    row = ApiKey(force_id=force_id, key_hash=token_hash(key), prefix=key[:10], created_at=now)
    session.add(row)
    session.flush()
    return row, key


def create_force(session: Session, name: str) -> tuple[PoliceForce, str]:
    """Create a force and return it with its API key, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise AccountError("force name must not be empty")
    if len(name) > 120:
        raise AccountError("force name must be 120 characters or fewer")
    if session.exec(select(PoliceForce).where(PoliceForce.name == name)).first():
        raise AccountError(f"a force named {name!r} already exists")
    now = utcnow()
    force = PoliceForce(name=name, created_at=now)
    session.add(force)
    session.flush()
    assert force.id is not None
    row, key = _new_key(session, force.id, now)
    audit.record(
        session,
        "force.key_created",
        force_id=force.id,
        object_type="api_key",
        object_id=row.id,
        detail=f"force created; key {row.prefix}...",
        at=now,
    )
    return force, key


def force_named(session: Session, name: str) -> PoliceForce:
    force = session.exec(select(PoliceForce).where(PoliceForce.name == name.strip())).first()
    if force is None:
        raise AccountError(f"no police force named {name!r}")
    return force


def _live_keys(session: Session, force_id: int, now: datetime) -> list[ApiKey]:
    return list(
        session.exec(
            select(ApiKey)
            .where(ApiKey.force_id == force_id, col(ApiKey.revoked_at).is_(None))
            .where(or_(col(ApiKey.expires_at).is_(None), col(ApiKey.expires_at) > now))
            .order_by(col(ApiKey.id))
        )
    )


def rotate_key(
    session: Session, force: PoliceForce, *, overlap: timedelta, now: datetime
) -> tuple[ApiKey, str]:
    """A new key that works at once; the force's other keys stop when the overlap ends."""
    if overlap < timedelta(0):
        raise AccountError("the overlap must not be negative")
    assert force.id is not None
    ends = now + overlap
    old = _live_keys(session, force.id, now)
    for row in old:
        if row.expires_at is None or row.expires_at > ends:
            row.expires_at = ends
            session.add(row)
    new, key = _new_key(session, force.id, now)
    audit.record(
        session,
        "force.key_rotated",
        force_id=force.id,
        object_type="api_key",
        object_id=new.id,
        detail=f"new key {new.prefix}...; {len(old)} old keys work until {ends.isoformat()}",
        at=now,
    )
    return new, key


def revoke_keys(
    session: Session, force: PoliceForce, *, now: datetime, prefix: str | None = None
) -> list[ApiKey]:
    """Stop the force's keys at once: all of them, or the one whose prefix is given."""
    assert force.id is not None
    keys = _live_keys(session, force.id, now)
    if prefix:
        keys = [k for k in keys if k.prefix == prefix.strip()[:10]]
        if not keys:
            raise AccountError(f"{force.name} has no live key starting {prefix!r}")
    for row in keys:
        row.revoked_at = now
        session.add(row)
    audit.record(
        session,
        "force.key_revoked",
        force_id=force.id,
        object_type="api_key",
        object_id=keys[0].id if len(keys) == 1 else None,
        detail=f"revoked {', '.join(k.prefix + '...' for k in keys) or 'nothing (no live keys)'}",
        at=now,
    )
    return keys


# last_used_at is written at most this often per key: not a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_for_api_key(session: Session, key: str, now: datetime) -> ApiKey | None:
    """The live ApiKey for a presented key (not revoked, overlap not over), or None."""
    if not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == token_hash(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.add(row)
    return row


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    password: str,
    setting_urn: str | None = None,
    force_name: str | None = None,
    la_code: str | None = None,
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"not an e-mail address: {email!r}")
    if role not in USER_ROLES:
        raise AccountError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    if len(password) < 12:
        raise AccountError("password must be at least 12 characters")
    if session.exec(select(User).where(User.email == email)).first():
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(email=email, role=role, password_hash=hash_password(password))
    _assign_scope(session, user, role, setting_urn, force_name, la_code)
    session.add(user)
    session.flush()
    return user


def _assign_scope(
    session: Session,
    user: User,
    role: str,
    setting_urn: str | None,
    force_name: str | None,
    la_code: str | None,
) -> None:
    """Role and the one scope that goes with it: a setting, a force, or a council."""
    la_code = (la_code or "").strip() or None
    if la_code is not None and len(la_code) > 10:
        raise AccountError(f"--la must be a council's LA code, like 816, not {la_code!r}")
    if role == "coordinator" and la_code is None:
        # Without a council a coordinator would sign in to see nothing at all.
        raise AccountError("a coordinator user needs --la CODE (the council's LA code)")
    user.role, user.la_code, user.setting_id, user.force_id = role, la_code, None, None
    if role == "dsl":
        if not setting_urn:
            raise AccountError("a dsl user needs --setting URN")
        setting = session.exec(select(Setting).where(Setting.urn == setting_urn)).first()
        if setting is None:
            raise AccountError(f"no setting with URN {setting_urn}")
        user.setting_id = setting.id
        user.la_code = setting.la_code
    if role == "police":
        if not force_name:
            raise AccountError("a police user needs --force NAME")
        force = session.exec(select(PoliceForce).where(PoliceForce.name == force_name)).first()
        if force is None:
            raise AccountError(f"no police force named {force_name!r}")
        user.force_id = force.id


def user_by_email(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise AccountError(f"no user with e-mail {email.strip().lower()}")
    return user


def _scope_text(user: User) -> str:
    if user.setting_id:
        return f"{user.role} (setting {user.setting_id})"
    if user.force_id:
        return f"{user.role} (force {user.force_id})"
    return f"{user.role} (council {user.la_code})" if user.la_code else user.role


def change_role(
    session: Session,
    user: User,
    *,
    role: str,
    setting_urn: str | None = None,
    force_name: str | None = None,
    la_code: str | None = None,
    now: datetime,
) -> User:
    """A new role (and scope). Takes effect on the user's next request, signed in or not."""
    if role not in USER_ROLES:
        raise AccountError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    before = _scope_text(user)
    _assign_scope(session, user, role, setting_urn, force_name, la_code)
    session.add(user)
    audit.record(
        session,
        "user.role_changed",
        object_type="user",
        object_id=user.id,
        detail=f"{before} -> {_scope_text(user)}",
        at=now,
    )
    return user


def set_active(session: Session, user: User, *, active: bool, now: datetime) -> User:
    """Deactivated users cannot sign in, and their open sessions end at once."""
    user.active = active
    session.add(user)
    if not active:
        assert user.id is not None
        sessions.end_all(session, user.id, now, "deactivated")
    audit.record(
        session,
        "user.activated" if active else "user.deactivated",
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return user


def reset_two_factor(session: Session, user: User, *, now: datetime, by: int | None = None) -> User:
    """Forget the authenticator app (a lost phone): a new one is set up at next sign-in.
    `by` is who did it (a coordinator on the web; None from the command line)."""
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
    session.add(user)
    assert user.id is not None
    # Whoever holds the lost phone may hold a signed-in browser too.
    sessions.end_all(session, user.id, now, "two-factor reset")
    audit.record(
        session, "two_factor.reset", user_id=by, object_type="user", object_id=user.id, at=now
    )
    return user


def set_password(session: Session, user: User, password: str, *, now: datetime) -> User:
    """A new password (at least 12 characters); every open session of the user ends."""
    if len(password) < 12:
        raise AccountError("password must be at least 12 characters")
    if len(password) > 200:
        raise AccountError("password must be 200 characters or fewer")
    had_one = bool(user.password_hash)
    user.password_hash = hash_password(password)
    session.add(user)
    assert user.id is not None
    sessions.end_all(session, user.id, now, "password changed")
    audit.record(
        session,
        "user.password_changed" if had_one else "user.password_set",
        user_id=user.id,
        object_type="user",
        object_id=user.id,
        at=now,
    )
    return user


def sign_out_everywhere(session: Session, user: User, *, now: datetime) -> int:
    """End every session the user has open, on every device; returns how many ended."""
    assert user.id is not None
    ended = sessions.end_all(session, user.id, now, "signed out everywhere")
    audit.record(
        session,
        "user.signed_out_everywhere",
        object_type="user",
        object_id=user.id,
        detail=f"{ended} sessions ended",
        at=now,
    )
    return ended


def unlock(session: Session, user: User, *, now: datetime, by: int | None = None) -> None:
    """Clear the failed sign-in count that locks an account (`by`: who did it)."""
    ratelimit.clear(session, ratelimit.account_bucket(user.email))
    audit.record(
        session, "user.unlocked", user_id=by, object_type="user", object_id=user.id, at=now
    )


def locked(session: Session, user: User, *, now: datetime, limit: ratelimit.Limit) -> bool:
    """Locked by failed sign-ins (LOGIN_MAX_FAILURES in the window), as sign-in counts them."""
    return ratelimit.over(session, ratelimit.account_bucket(user.email), limit, now)


def choose_language(session: Session, user_id: int, language: str) -> None:
    """A person's language ("cy" or "en"): their pages, and the messages sent to them as
    any setting's Key Adult, follow it from now on."""
    if language not in PERSON_CHOICES:
        raise AccountError("language must be cy (Cymraeg) or en (English)")
    session.execute(update(User).where(col(User.id) == user_id).values(language=language))
    session.execute(
        update(KeyAdult).where(col(KeyAdult.user_id) == user_id).values(language=language)
    )
