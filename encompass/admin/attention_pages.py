"""Alerts the council must act on now: escalated, or past the start of the school day."""

from __future__ import annotations

from typing import Any

from flask import g, render_template
from flask_login import current_user

from encompass.admin.blueprint import bp, council_scope
from encompass.admin.queries import failing_contacts, needing_attention
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.records import audit


@bp.get("/attention")
@role_required("admin", "coordinator")
def attention() -> Any:
    now = utcnow()
    items = needing_attention(g.db, council_scope(), now)
    audit.record(
        g.db, "attention.viewed", user_id=current_user.id, detail=f"{len(items)} notifications"
    )
    return render_template(
        "admin/attention.html",
        items=items,
        contacts=failing_contacts(g.db, council_scope()),
        now=now,
    )
