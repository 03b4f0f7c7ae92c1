"""Production: SECRET_KEY must come from the environment (encompass.config.environment)."""

SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
# Cookies only over HTTPS, only to this host (the __Host- prefix forbids a Domain).
SESSION_COOKIE_NAME = "__Host-encompass_session"
REMEMBER_DEVICE_COOKIE_NAME = "__Host-encompass_device"
