"""Settings shared by every profile. Environment variables override these (see load())."""

import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("ENCOMPASS_INSTANCE_DIR", Path.cwd() / "instance"))

DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'encompass.db'}"
SECRET_KEY: str | None = None
PUBLIC_BASE_URL = "http://127.0.0.1:5000"
ENCOMPASS_TIMEZONE = "Europe/London"

TWILIO_ACCOUNT_SID: str | None = None
TWILIO_AUTH_TOKEN: str | None = None
TWILIO_FROM: str | None = None
TWILIO_API_BASE = "https://api.twilio.com"
TWILIO_TIMEOUT_SECONDS = 10.0

SMTP_HOST: str | None = None
SMTP_PORT = 25
SMTP_USERNAME: str | None = None
SMTP_PASSWORD: str | None = None
SMTP_STARTTLS = False
SMTP_TIMEOUT_SECONDS = 10.0
MAIL_FROM = "encompass@localhost"

# The start of a school day, local time, for settings that do not say otherwise.
SCHOOL_DAY_START = "08:45"
# How often the worker asks the database what is due (seconds; fractions allowed).
WORKER_INTERVAL_SECONDS = 1.0
# Provider calls the worker makes at once.
WORKER_SEND_CONCURRENCY = 8
# At most this many SMS / calls to one phone number in any hour; more wait their turn.
SMS_PER_RECIPIENT_PER_HOUR = 10
VOICE_PER_RECIPIENT_PER_HOUR = 4
# How long an alert link stays valid.
ALERT_LINK_TTL_HOURS = 24 * 7
# A delivery left in "sending" longer than this is timed out by the sweeper.
DELIVERY_SENDING_TIMEOUT_SECONDS = 300
DELIVERY_MAX_ATTEMPTS = 5

MAX_CONTENT_LENGTH = 64 * 1024
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
WTF_CSRF_TIME_LIMIT = None

# Quiet hours, local time: SMS and voice to Key Adults wait until they end, unless the
# deadline falls inside them. E-mail is never held.
QUIET_HOURS_START = "21:00"
QUIET_HOURS_END = "07:00"
# An alert due more than this long after it arrives (holidays, long weekends) also goes
# at once to the setting's holiday cover (or the council coordinator).
HOLIDAY_ROUTING_THRESHOLD_HOURS = 24
# The DSL's first-morning-back reminder goes this long before the school day starts.
HOLIDAY_REMINDER_LEAD_MINUTES = 75
