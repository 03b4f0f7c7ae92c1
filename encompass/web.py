"""Landing pages for each role, and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlmodel import col, select

from encompass import audit
from encompass.models import Alert, Child, Notice, Setting
from encompass.notices.present import children_of, notice_for_force
from encompass.security import public, role_required

bp = Blueprint("web", __name__)
ROLE_HOME = {
    "dsl": "web.dsl_inbox",
    "police": "web.police_notices",
    "admin": "web.admin_settings",
    "coordinator": "web.admin_settings",
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


@bp.get("/dsl/")
@role_required("dsl")
def dsl_inbox() -> Any:
    rows = g.db.exec(
        select(Alert, Child)
        .join(Child, col(Child.id) == Alert.child_id)
        .where(Alert.setting_id == current_user.setting_id)
        .order_by(col(Alert.acknowledged_at).is_not(None), col(Alert.created_at).desc())
    ).all()
    setting = g.db.get(Setting, current_user.setting_id)
    return render_template("dsl/inbox.html", rows=rows, setting=setting)


@bp.get("/police/notices")
@role_required("police")
def police_notices() -> Any:
    notices = g.db.exec(
        select(Notice)
        .where(Notice.force_id == current_user.force_id)
        .order_by(col(Notice.received_at).desc())
        .limit(200)
    ).all()
    summaries = [(n, children_of(g.db, n.id)) for n in notices]
    return render_template("police/notices.html", summaries=summaries)


@bp.get("/police/notices/<int:notice_id>")
@role_required("police")
def police_notice(notice_id: int) -> Any:
    notice = g.db.exec(
        select(Notice).where(Notice.id == notice_id, Notice.force_id == current_user.force_id)
    ).first()
    if notice is None:
        abort(404)
    audit.record(
        g.db, "notice.viewed", user_id=current_user.id, object_type="notice", object_id=notice.id
    )
    g.db.commit()
    return render_template("police/notice.html", notice=notice, view=notice_for_force(g.db, notice))


@bp.get("/admin/settings")
@role_required("admin", "coordinator")
def admin_settings() -> Any:
    query = select(Setting).order_by(Setting.name)
    if current_user.role == "coordinator":
        query = query.where(Setting.la_code == (current_user.la_code or ""))
    return render_template("admin/settings.html", settings=g.db.exec(query).all())


@bp.app_template_filter("localtime")
def localtime(value: Any) -> str:
    """A UTC instant shown in the service's time zone, e.g. '23 November 2026, 08:45'."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flask import current_app

    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["ENCOMPASS_TIMEZONE"]))
    return local.strftime("%-d %B %Y, %H:%M")
