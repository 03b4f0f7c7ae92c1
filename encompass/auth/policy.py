"""The sign-in policy (how long a session lasts, how long a device is remembered, when an
account locks) and the access policy (rate limits, two-factor roles, security headers,
signing keys). Built once from configuration with the other policies (encompass/policies.py);
the README's "Sign-in policy" gives the reasons for each length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from encompass.auth.ratelimit import Limit
from encompass.config import installed

_KEY = "encompass_sign_in_policy"


@dataclass(frozen=True)
class SignInPolicy:
    # A session ends after this long without a request (SESSION_IDLE_MINUTES)...
    idle: timedelta
    # ...and this long after it began, used or not (SESSION_MAX_HOURS).
    longest: timedelta
    # A device remembered after a right code skips the code this long; zero: never.
    remember_device: timedelta
    remember_cookie: str
    cookie_secure: bool
    # Failed passwords or codes to one account within the window before it locks.
    lockout: Limit

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> SignInPolicy:
        return cls(
            idle=timedelta(minutes=int(cfg["SESSION_IDLE_MINUTES"])),
            longest=timedelta(hours=int(cfg["SESSION_MAX_HOURS"])),
            remember_device=timedelta(hours=int(cfg["REMEMBER_DEVICE_HOURS"])),
            remember_cookie=str(cfg["REMEMBER_DEVICE_COOKIE_NAME"]),
            cookie_secure=bool(cfg["SESSION_COOKIE_SECURE"]),
            lockout=Limit(
                int(cfg["LOGIN_MAX_FAILURES"]),
                timedelta(minutes=int(cfg["RATE_LIMIT_WINDOW_MINUTES"])),
            ),
        )


def install(app: Flask, policy: SignInPolicy) -> None:
    """Called by encompass.policies.install, with the rest of the policies."""
    app.extensions[_KEY] = policy


def sign_in_policy() -> SignInPolicy:
    found: SignInPolicy = current_app.extensions[_KEY]
    return found


@dataclass(frozen=True)
class AccessPolicy:
    # Failed sign-ins (and refused links) are counted in windows of this length.
    window: timedelta
    login_failures_per_address: int
    api_per_key_per_minute: int
    api_per_address_per_minute: int
    api_auth_failures_per_address: int
    link_failures_per_address: int  # refused alert links and invitations
    totp_required_roles: frozenset[str]
    totp_issuer: str
    hsts_seconds: int
    https: bool
    # Signs calendar-import tokens and keys phone-verification codes; never shown.
    secret_key: str = field(repr=False)
    # GET /metrics asks for this bearer token when it is set.
    metrics_token: str = field(default="", repr=False)

    @classmethod
    def from_config(cls, cfg: Any) -> AccessPolicy:
        roles = str(cfg["TOTP_REQUIRED_ROLES"])
        return cls(
            window=timedelta(minutes=int(cfg["RATE_LIMIT_WINDOW_MINUTES"])),
            login_failures_per_address=int(cfg["LOGIN_FAILURES_PER_ADDRESS"]),
            api_per_key_per_minute=int(cfg["API_REQUESTS_PER_KEY_PER_MINUTE"]),
            api_per_address_per_minute=int(cfg["API_REQUESTS_PER_ADDRESS_PER_MINUTE"]),
            api_auth_failures_per_address=int(cfg["API_AUTH_FAILURES_PER_ADDRESS"]),
            link_failures_per_address=int(cfg["ALERT_LINK_FAILURES_PER_ADDRESS"]),
            totp_required_roles=frozenset(r.strip() for r in roles.split(",") if r.strip()),
            totp_issuer=str(cfg["TOTP_ISSUER"]),
            hsts_seconds=int(cfg["HSTS_SECONDS"]),
            https=str(cfg["PUBLIC_BASE_URL"]).startswith("https://"),
            secret_key=str(cfg["SECRET_KEY"]),
            metrics_token=str(cfg.get("METRICS_TOKEN") or ""),
        )


def access_policy() -> AccessPolicy:
    """The current app's access policy."""
    return installed(AccessPolicy)
