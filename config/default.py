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
# How long an alert link stays valid (counted from the alert's deadline when that is later).
ALERT_LINK_TTL_HOURS = 24 * 7
# How long the link in a Key Adult's invitation e-mail (to set a password) stays valid.
INVITATION_TTL_HOURS = 72
# How long the link in a "Forgotten your password?" e-mail works (once), and how many such
# e-mails one address is sent per RATE_LIMIT_WINDOW_MINUTES (more asks get the same answer).
PASSWORD_RESET_TTL_MINUTES = 60
PASSWORD_RESETS_PER_ADDRESS = 3
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
# A week on: the Key Adult who acknowledged is asked (by e-mail, nothing personal in it) to
# record what followed, this many days after acknowledging; a day the setting is closed
# moves it to the start of the next school day. 0: never asked.
FOLLOW_UP_AFTER_DAYS = 7
# Children to look at together (/admin/children/repeated): REPEAT_NOTICES or more notices
# within REPEAT_DAYS days, or REPEAT_CLOSE_NOTICES within REPEAT_CLOSE_DAYS days.
REPEAT_NOTICES = 3
REPEAT_DAYS = 90
REPEAT_CLOSE_NOTICES = 2
REPEAT_CLOSE_DAYS = 14

# The review queue (children the matcher could not place): the council's coordinators
# are told at once; if nobody has decided, the coordinator's deputy is told this long
# before the child's deadline, or REVIEW_MAX_WAIT_MINUTES after the item arrived if that
# is sooner, but never sooner than REVIEW_MIN_WAIT_MINUTES after it arrived.
REVIEW_ESCALATION_LEAD_MINUTES = 60
REVIEW_MAX_WAIT_MINUTES = 240
REVIEW_MIN_WAIT_MINUTES = 15

# --- Security (docs/security.md) -----------------------------------------------------------
# Fernet keys for personal free text at rest, comma-separated, newest first. Required in
# production; `encompass keys generate` makes one, `encompass keys rotate` re-encrypts.
ENCOMPASS_DATA_KEYS: str | None = None
# Signed-in sessions end after this long without a request, and this long after sign-in
# (the README's "Sign-in policy" gives the reasons).
SESSION_IDLE_MINUTES = 30
SESSION_MAX_HOURS = 12
# A device remembered after a right authenticator code asks for the password alone for
# this long: a working day. 0 turns remembering devices off.
REMEMBER_DEVICE_HOURS = 12
REMEMBER_DEVICE_COOKIE_NAME = "encompass_device"
SESSION_COOKIE_NAME = "encompass_session"
REMEMBER_COOKIE_HTTPONLY = True
# Roles that must use an authenticator app (TOTP) to sign in; everyone else may.
TOTP_REQUIRED_ROLES = "admin,coordinator"
TOTP_ISSUER = "Operation Encompass"
# Failed sign-ins (password or code) to one account before it is locked for the window.
LOGIN_MAX_FAILURES = 5
# Counting windows for every limit below.
RATE_LIMIT_WINDOW_MINUTES = 15
# Failed sign-ins, bad alert links and bad API keys from one address, per window.
LOGIN_FAILURES_PER_ADDRESS = 50
ALERT_LINK_FAILURES_PER_ADDRESS = 20
API_AUTH_FAILURES_PER_ADDRESS = 20
# API requests per minute, per force key and per address.
API_REQUESTS_PER_KEY_PER_MINUTE = 300
API_REQUESTS_PER_ADDRESS_PER_MINUTE = 600
# How long a rotated-out API key keeps working next to the new one.
API_KEY_OVERLAP_HOURS = 24
# Reverse proxies in front of the service that set X-Forwarded-For/-Proto (0: none).
TRUSTED_PROXY_COUNT = 0
# Strict-Transport-Security max-age when PUBLIC_BASE_URL is https (0: not sent).
HSTS_SECONDS = 31536000
# Days after receipt when a notice is minimised: names, dates of birth, addresses, free
# text and adults removed; counts, outcomes and times kept for reports.
NOTICE_RETENTION_DAYS = 400
# Run import jobs (GIAS, rolls) in the request instead of a background thread (tests).
IMPORT_JOBS_INLINE = False

# --- Operations (docs/operations.md) -------------------------------------------------------
# /healthz/worker answers 503, and admins and coordinators see a red banner, when no worker
# pass has completed for this long (seconds).
WORKER_STALE_SECONDS = 120
# GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` when this is set.
METRICS_TOKEN: str | None = None
# `json`: one JSON object a line (every request and worker pass with its id); else text.
LOG_FORMAT = "text"
