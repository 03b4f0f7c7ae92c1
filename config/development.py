"""Local development and demos: a fixed key is acceptable, cookies over plain HTTP."""

SECRET_KEY = "development-only-not-secret"  # noqa: S105 - dev profile only  # nosec B105
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SECURE = False
# A fixed key so demo data survives restarts; never use it for real data.
ENCOMPASS_DATA_KEYS = "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LXNlY3JldCE="  # noqa: S105
