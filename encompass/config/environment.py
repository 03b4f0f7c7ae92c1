"""Turn the config/ profiles and the environment into one validated mapping."""

from __future__ import annotations

import importlib
import os
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from encompass.errors import EncompassError

PROFILES = ("development", "testing", "production")


class ConfigError(EncompassError, RuntimeError):
    """The configuration cannot be used; the message says which setting and why."""


def _coerce(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    return raw


def _module_values(module_name: str) -> dict[str, Any]:
    module = importlib.import_module(module_name)
    return {k: getattr(module, k) for k in dir(module) if k.isupper()}


def defaults() -> dict[str, Any]:
    """config/default.py: the one place every default is written."""
    return _module_values("config.default")


def load(profile: str | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the profile, then the environment, then explicit overrides."""
    profile = profile or os.environ.get("ENCOMPASS_ENV", "production")
    if profile not in PROFILES:
        raise ConfigError(f"ENCOMPASS_ENV must be one of {', '.join(PROFILES)}, not {profile!r}")
    values = defaults()
    values.update(_module_values(f"config.{profile}"))
    for name, default in list(values.items()):
        raw = os.environ.get(name)
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw, default)
    values.update(overrides or {})
    values["ENCOMPASS_ENV"] = profile
    _validate(values)
    return values


def _validate(values: dict[str, Any]) -> None:
    if values["ENCOMPASS_ENV"] == "production" and not values.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set in production (ENCOMPASS_ENV=production)")
    _validate_security(values)
    try:
        ZoneInfo(values["ENCOMPASS_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"ENCOMPASS_TIMEZONE is not a known time zone: {values['ENCOMPASS_TIMEZONE']!r}"
        ) from None
    for name in ("SCHOOL_DAY_START", "QUIET_HOURS_START", "QUIET_HOURS_END"):
        hh, _, mm = str(values[name]).partition(":")
        if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise ConfigError(f"{name} must be HH:MM, not {values[name]!r}")
    base = str(values["PUBLIC_BASE_URL"])
    if not base.startswith(("http://", "https://")):
        raise ConfigError("PUBLIC_BASE_URL must start with http:// or https://")
    values["PUBLIC_BASE_URL"] = base.rstrip("/")
    values["TWILIO_API_BASE"] = str(values["TWILIO_API_BASE"]).rstrip("/")
    values["SQLALCHEMY_DATABASE_URI"] = values["DATABASE_URL"]


def twilio_enabled(values: dict[str, Any]) -> bool:
    return all(values.get(k) for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"))


def _validate_security(values: dict[str, Any]) -> None:
    from encompass.encryption import parse_keys

    keys = values.get("ENCOMPASS_DATA_KEYS")
    if not keys:
        if values["ENCOMPASS_ENV"] == "production":
            raise ConfigError(
                "ENCOMPASS_DATA_KEYS must be set in production: personal data is encrypted "
                "at rest (`encompass keys generate` prints a new key)"
            )
    else:
        try:
            parse_keys(str(keys))
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    for name in (
        "SESSION_IDLE_MINUTES",
        "SESSION_MAX_HOURS",
        "LOGIN_MAX_FAILURES",
        "RATE_LIMIT_WINDOW_MINUTES",
        "NOTICE_RETENTION_DAYS",
        "INVITATION_TTL_HOURS",
        "PASSWORD_RESET_TTL_MINUTES",
        "PASSWORD_RESETS_PER_ADDRESS",
    ):
        if int(values[name]) < 1:
            raise ConfigError(f"{name} must be at least 1, not {values[name]!r}")
    if int(values["REMEMBER_DEVICE_HOURS"]) < 0:
        hours = values["REMEMBER_DEVICE_HOURS"]
        raise ConfigError(f"REMEMBER_DEVICE_HOURS must be 0 (off) or more, not {hours!r}")
    if values["ENCOMPASS_ENV"] == "production" and not values.get("SESSION_COOKIE_SECURE"):
        raise ConfigError("SESSION_COOKIE_SECURE must stay on in production (HTTPS only)")
