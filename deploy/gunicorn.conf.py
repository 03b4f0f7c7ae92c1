"""Gunicorn settings for Encompass in production: `gunicorn -c deploy/gunicorn.conf.py`.

Behind a TLS-terminating reverse proxy (nginx, a load balancer) on the same host or a
private network. Every value can be changed with the environment variable named beside
it; the README's "Running it for real" lists them.
"""

import os

# The app factory; configuration comes from the environment (/etc/encompass/encompass.env).
wsgi_app = "encompass:create_app()"

# Listen on the private side only: the proxy terminates TLS and forwards here.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: each request holds one database connection for its length. Two per core
# is plenty (a notice's intake is ~20 ms of CPU). A sync worker holds one PostgreSQL
# connection per request at once (its pool allows 20); the `encompass worker` process
# holds up to WORKER_SEND_CONCURRENCY + 2. Keep the total under max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

# A request slower than this is killed (and logged): far above any real request (a roll
# import runs in a background job), well below what a police system waits for.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a deploy or SIGTERM, requests under way get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep-alive with the proxy (it should be a little lower on the proxy's side).
keepalive = 5
# Recycle workers now and then (memory held by a large import), staggered.
max_requests = 2000
max_requests_jitter = 200
# Gunicorn's worker heartbeat files: on tmpfs (GUNICORN_TMP_DIR=/dev/shm) a slow disk
# never gets a healthy worker killed.
worker_tmp_dir = os.environ.get("GUNICORN_TMP_DIR") or None

# Forwarded headers: the app trusts X-Forwarded-For/-Proto/-Host from TRUSTED_PROXY_COUNT
# proxies (werkzeug's ProxyFix), which sets the client's address for rate limits and the
# audit trail. Gunicorn itself trusts X-Forwarded-Proto only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to standard error (journald): the app writes one line per request itself, with
# its request id (LOG_FORMAT=json for JSON), so gunicorn's own access log is off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Alert links are keys to a notice: never in a log line (records/log_redaction.py).
capture_output = False
proc_name = "encompass-web"
