"""Local development and demos: a fixed key is acceptable, cookies over plain HTTP."""

SECRET_KEY = "development-only-not-secret"  # noqa: S105 - dev profile only
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SECURE = False
