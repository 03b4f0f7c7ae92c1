"""One log line per request: its id, method, path (link tokens shortened), status and
time taken; the id goes back to the caller in X-Request-Id."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, g, request

from encompass.records import log_format
from encompass.records.log_redaction import KEPT, shorten_links

log = logging.getLogger("encompass.request")


def loggable_path() -> str:
    """The path without its query string, each token in it cut to its first characters."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and len(value) > KEPT:
            path = path.replace(value, value[:KEPT] + "...")
    return shorten_links(path)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()
        g.request_id = log_format.given_or_new(request.headers.get("X-Request-Id"))
        g.request_id_token = log_format.request_id.set(g.request_id)

    @app.after_request
    def _line(response: Response) -> Response:
        started = g.get("request_started")
        took = int((time.perf_counter() - started) * 1000) if started else 0
        path = loggable_path()
        log.info(
            "%s %s %s %dms",
            request.method,
            path,
            response.status_code,
            took,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": took,
            },
        )
        if g.get("request_id"):
            response.headers["X-Request-Id"] = g.request_id
        return response

    @app.teardown_request
    def _forget(_exc: Any) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            log_format.request_id.reset(token)
