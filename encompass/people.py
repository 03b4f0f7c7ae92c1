"""Police forces, users and Key Adults: creating them and finding them."""

from __future__ import annotations

from sqlmodel import Session, select

from encompass.db import utcnow
from encompass.models import KeyAdult, PoliceForce, Setting, User
from encompass.models.people import USER_ROLES
from encompass.security import hash_password, new_token, token_hash


class PeopleError(ValueError):
    """A user, force or contact could not be created; the message says why."""


def create_force(session: Session, name: str) -> tuple[PoliceForce, str]:
    """Create a force and return it with its API key, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise PeopleError("force name must not be empty")
    if len(name) > 120:
        raise PeopleError("force name must be 120 characters or fewer")
    if session.exec(select(PoliceForce).where(PoliceForce.name == name)).first():
        raise PeopleError(f"a force named {name!r} already exists")
    key = "enc_" + new_token(32)
    force = PoliceForce(name=name, api_key_hash=token_hash(key), api_key_prefix=key[:10])
    session.add(force)
    session.flush()
    return force, key


def force_for_api_key(session: Session, key: str) -> PoliceForce | None:
    force = session.exec(
        select(PoliceForce).where(PoliceForce.api_key_hash == token_hash(key))
    ).first()
    if force is not None:
        force.last_used_at = utcnow()
        session.add(force)
    return force


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
        raise PeopleError(f"not an e-mail address: {email!r}")
    if role not in USER_ROLES:
        raise PeopleError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    if len(password) < 12:
        raise PeopleError("password must be at least 12 characters")
    if session.exec(select(User).where(User.email == email)).first():
        raise PeopleError(f"a user with e-mail {email} already exists")
    la_code = (la_code or "").strip() or None
    if la_code is not None and len(la_code) > 10:
        raise PeopleError(f"--la must be a council's LA code, like 816, not {la_code!r}")
    if role == "coordinator" and la_code is None:
        # Without a council a coordinator would sign in to see nothing at all.
        raise PeopleError("a coordinator user needs --la CODE (the council's LA code)")
    user = User(email=email, role=role, password_hash=hash_password(password), la_code=la_code)
    if role == "dsl":
        if not setting_urn:
            raise PeopleError("a dsl user needs --setting URN")
        setting = session.exec(select(Setting).where(Setting.urn == setting_urn)).first()
        if setting is None:
            raise PeopleError(f"no setting with URN {setting_urn}")
        user.setting_id = setting.id
        user.la_code = setting.la_code
    if role == "police":
        if not force_name:
            raise PeopleError("a police user needs --force NAME")
        force = session.exec(select(PoliceForce).where(PoliceForce.name == force_name)).first()
        if force is None:
            raise PeopleError(f"no police force named {force_name!r}")
        user.force_id = force.id
    session.add(user)
    session.flush()
    return user


def key_adults(session: Session, setting_id: int, role: str) -> list[KeyAdult]:
    return list(
        session.exec(
            select(KeyAdult)
            .where(KeyAdult.setting_id == setting_id, KeyAdult.role == role)
            .where(KeyAdult.active == True)  # noqa: E712
            .order_by(KeyAdult.id)  # type: ignore[arg-type]
        )
    )
