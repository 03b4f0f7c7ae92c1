"""Roles, passwords, tokens, and the one place a route's access is decided.

Every view carries an access decision: `public`, `role_required(...)` or `force_api_key`.
A before_request hook refuses any route without one (deny by default), and a test walks
app.url_map to keep it that way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, request
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "_encompass_access"
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """Tokens and API keys are high-entropy random values: sha256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def _mark(func: F, decision: str) -> F:
    setattr(func, ACCESS_ATTR, decision)
    return func


def public(func: F) -> F:
    """Anyone may reach this route (sign-in page, health check, alert-link landing)."""
    return _mark(func, "public")


def role_required(*roles: str) -> Callable[[F], F]:
    """Signed-in users with one of these roles; others get 403, anonymous users go to sign-in."""

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in roles:
                abort(403)
            return func(*args, **kwargs)

        return _mark(wrapper, "roles:" + ",".join(roles))  # type: ignore[return-value]

    return decorator


def force_api_key(func: F) -> F:
    """A police force's API key in `Authorization: Bearer ...`; sets g.force."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from encompass.people import force_for_api_key

        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        force = None
        if scheme.lower() == "bearer" and key.strip():
            force = force_for_api_key(g.db, key.strip())
        if force is None:
            return (
                {"error": "unauthorised", "message": "A valid force API key is required."},
                401,
                {"WWW-Authenticate": 'Bearer realm="encompass"'},
            )
        g.force = force
        return func(*args, **kwargs)

    return _mark(wrapper, "force_api_key")  # type: ignore[return-value]


def twilio_signature(func: F) -> F:
    """Twilio callbacks: the signature check happens in the view against PUBLIC_BASE_URL."""
    return _mark(func, "twilio_signature")


def access_decision(view: Callable[..., Any] | None) -> str | None:
    return getattr(view, ACCESS_ATTR, None)


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
