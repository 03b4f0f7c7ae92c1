"""Test runs: fast password hashing is not used; only the key and cookie flags differ."""

TESTING = True
SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - test profile only
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SECURE = False
PUBLIC_BASE_URL = "http://localhost"
