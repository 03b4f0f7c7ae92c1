"""The sign-in policy: how long a session lasts, how long a device is remembered, when an
account locks. Built once from configuration with the other policies (encompass/policies.py);
the README's "Sign-in policy" gives the reasons for each length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from encompass.auth.ratelimit import Limit

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
