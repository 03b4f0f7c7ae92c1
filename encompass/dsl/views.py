"""The Key Adult's inbox. The alert page itself is encompass/alerts/views.py (/alerts/<id>)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template
from flask_login import current_user

from encompass.alerts.ack import reader_settings
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.dsl.queries import inbox as inbox_items
from encompass.models import Setting
from encompass.records import audit

bp = Blueprint("dsl", __name__, url_prefix="/dsl")


@bp.get("/")
@role_required("dsl")
def inbox() -> Any:
    settings = reader_settings(g.db, current_user.id, current_user.setting_id)
    items = inbox_items(g.db, settings)
    # The list shows children's names: a read like any other, so it is audited.
    audit.record(
        g.db,
        "alerts.listed",
        user_id=current_user.id,
        object_type="setting",
        object_id=current_user.setting_id,
        detail=f"{len(items)} notifications",
    )
    setting = g.db.get(Setting, current_user.setting_id or (settings[0] if settings else 0))
    waiting = sum(1 for item in items if item.needs_action and not item.council_handling)
    handled = sum(1 for item in items if item.council_handling)
    return render_template(
        "dsl/inbox.html",
        items=items,
        setting=setting,
        waiting=waiting,
        handled=handled,
        now=utcnow(),
    )
