"""Production: SECRET_KEY must come from the environment (checked in encompass.settings)."""

SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
