"""Roles, and the one place a route's access is decided.

Every view carries an access decision: `public`, `role_required(...)` or `force_api_key`.
A before_request hook refuses any route without one (deny by default), and a test walks
app.url_map to keep it that way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user

from encompass.auth.policy import access_policy

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "_encompass_access"


def _mark(func: F, decision: str) -> F:
    setattr(func, ACCESS_ATTR, decision)
    return func


def public(func: F) -> F:
    """Anyone may reach this route (sign-in page, health check, alert-link landing)."""
    return _mark(func, "public")


# Set in the session when this sign-in passed the second factor (TOTP).
TWO_FACTOR_DONE = "two_factor"


def two_factor_required(role: str) -> bool:
    """Roles that must sign in with an authenticator app (TOTP_REQUIRED_ROLES)."""
    return role in access_policy().totp_required_roles


def role_required(*roles: str, two_factor: bool = True) -> Callable[[F], F]:
    """Signed-in users with one of these roles; others get 403, anonymous users go to sign-in.

    A role that needs a second factor is sent to set one up if this session has not used
    one (a role changed while signed in); `two_factor=False` only for that set-up page.
    """

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in roles:
                abort(403)
            if (
                two_factor
                and two_factor_required(current_user.role)
                and not session.get(TWO_FACTOR_DONE)
            ):
                return redirect(url_for("accounts.account_two_factor"))
            return func(*args, **kwargs)

        return _mark(wrapper, "roles:" + ",".join(roles))  # type: ignore[return-value]

    return decorator


def _too_many(message: str, window: timedelta) -> Any:
    return (
        {"error": "too_many_requests", "message": message},
        429,
        {"Retry-After": str(int(window.total_seconds()))},
    )


def force_api_key(func: F) -> F:
    """A police force's API key in `Authorization: Bearer ...`; sets g.force and g.api_key.

    A valid key is always served, limited only per key (API_REQUESTS_PER_KEY_PER_MINUTE):
    a control room behind one shared address is never locked out by a broken client or an
    attacker beside it. Requests without a valid key are limited per address (all of them,
    and failed ones) and failures are counted per key prefix too, in the database.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from encompass.auth import ratelimit
        from encompass.auth.users import key_for_api_key
        from encompass.db import utcnow
        from encompass.models import PoliceForce

        now = utcnow()
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        key = key.strip()
        row = key_for_api_key(g.db, key, now) if scheme.lower() == "bearer" and key else None
        if row is None:
            return _refuse_api_key(key, now)
        per_key = ratelimit.hit(
            g.db, ratelimit.bucket("api-key", str(row.id)), timedelta(minutes=1), now
        )
        if per_key > access_policy().api_per_key_per_minute:
            return _too_many("Too many requests with this key: slow down.", timedelta(minutes=1))
        g.api_key = row
        g.force = g.db.get(PoliceForce, row.force_id)
        return func(*args, **kwargs)

    return _mark(wrapper, "force_api_key")  # type: ignore[return-value]


def _refuse_api_key(key: str, now: datetime) -> Any:
    """401 for a missing or wrong key, counted per address and per key prefix; 429 once the
    address sends too many requests without a valid key, or too many wrong ones."""
    from encompass.auth import ratelimit
    from encompass.records import audit

    policy = access_policy()
    address = request.remote_addr or ""
    minute = timedelta(minutes=1)
    window = policy.window
    limit = policy.api_auth_failures_per_address
    per_address = ratelimit.hit(g.db, ratelimit.bucket("api-address", address), minute, now)
    failures = ratelimit.hit(g.db, ratelimit.bucket("api-auth-failures", address), window, now)
    ratelimit.hit(g.db, ratelimit.bucket("api-auth-prefix", key[:10]), window, now)
    if per_address > policy.api_per_address_per_minute:
        return _too_many("Too many requests from this address: slow down.", minute)
    if failures > limit:
        return _too_many("Too many requests with a wrong API key from this address.", window)
    audit.record(g.db, "api.auth_failed", detail="no key" if not key else "")
    return (
        {"error": "unauthorised", "message": "A valid force API key is required."},
        401,
        {"WWW-Authenticate": 'Bearer realm="encompass"'},
    )


def metrics_token(func: F) -> F:
    """GET /metrics: `Authorization: Bearer <METRICS_TOKEN>` when that is set; open when it
    is not (the figures are counts only: keep the port private, or set the token)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import hmac

        token = access_policy().metrics_token
        if token:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), token.encode()
            ):
                return (
                    {"error": "unauthorized", "message": "Metrics need the METRICS_TOKEN."},
                    401,
                    {"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
        return func(*args, **kwargs)

    return _mark(wrapper, "metrics_token")  # type: ignore[return-value]


def twilio_signature(func: F) -> F:
    """Twilio callbacks: the signature check happens in the view against PUBLIC_BASE_URL."""
    return _mark(func, "twilio_signature")


def access_decision(view: Callable[..., Any] | None) -> str | None:
    return getattr(view, ACCESS_ATTR, None)
