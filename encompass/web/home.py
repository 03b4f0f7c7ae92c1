"""The front door (each role's home page) and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from encompass.auth.access import public

bp = Blueprint("web", __name__)
ROLE_HOME = {
    "dsl": "dsl.inbox",
    "police": "police.notices",
    "admin": "admin.settings",
    "coordinator": "admin.settings",
}


@bp.get("/")
@public
def home() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(ROLE_HOME[current_user.role]))


@bp.get("/healthz")
@public
def healthz() -> Any:
    try:
        g.db.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
