"""GET /healthz/worker (is the worker sending alerts?) and GET /metrics (Prometheus)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, g

from encompass.auth.access import metrics_token, public
from encompass.config import installed
from encompass.db import utcnow
from encompass.operations.heartbeat import worker_health
from encompass.operations.metrics import exposition
from encompass.operations.policy import OperationsPolicy

bp = Blueprint("operations", __name__)


def stale_after() -> timedelta:
    return installed(OperationsPolicy).worker_stale


@bp.get("/healthz/worker")
@public
def worker() -> Any:
    """200 with the last completed pass; 503 when none completed within WORKER_STALE_SECONDS."""
    health = worker_health(g.db, utcnow(), stale_after())
    body = {
        "status": "stale" if health.stale else "ok",
        "last_pass_at": health.last_pass_at.isoformat() if health.last_pass_at else None,
        "seconds_since_last_pass": health.seconds_since,
        "stale_after_seconds": stale_after().total_seconds(),
    }
    if health.stale:
        return body, 503, {"Retry-After": "30", "Cache-Control": "no-store"}
    return body, 200, {"Cache-Control": "no-store"}


@bp.get("/metrics")
@metrics_token
def metrics() -> Any:
    payload, content_type = exposition(g.db, utcnow(), stale_after())
    return Response(payload, content_type=content_type, headers={"Cache-Control": "no-store"})
