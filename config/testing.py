"""Test runs: fast password hashing is not used; only the key and cookie flags differ."""

TESTING = True
SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - test profile only  # nosec B105
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SECURE = False
PUBLIC_BASE_URL = "http://localhost"
ENCOMPASS_DATA_KEYS = "dGVzdGluZy1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYiE="  # noqa: S105
