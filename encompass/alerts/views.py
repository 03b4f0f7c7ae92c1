"""/a/<token> (the link in an alert) and the alert page with its acknowledgement form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from encompass import audit
from encompass.alerts.ack import AckError, acknowledge, alert_for_reader, link_for_token
from encompass.db import utcnow
from encompass.models import Child, Notice, Setting
from encompass.security import public, role_required

bp = Blueprint("alerts", __name__)


class AckForm(FlaskForm):
    note = TextAreaField(
        "What support have you planned for the child?",
        validators=[
            DataRequired("Enter the support you have planned for the child"),
            Length(max=2000, message="Support planned must be 2000 characters or fewer"),
        ],
    )


@bp.get("/a/<token>")
@public
def open_link(token: str) -> Any:
    """Never shows data by itself: an unknown or expired link looks the same as a bad one."""
    link = link_for_token(g.db, token, utcnow())
    if link is None:
        abort(404)
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path))
    alert = _reader_alert(link.alert_id)
    if alert is None:
        abort(404)
    if link.first_used_at is None:
        link.first_used_at = utcnow()
        g.db.add(link)
        g.db.commit()
    return redirect(url_for("alerts.show", alert_id=alert.id))


def _reader_alert(alert_id: int) -> Any:
    return alert_for_reader(
        g.db,
        alert_id,
        role=current_user.role,
        setting_id=current_user.setting_id,
        la_code=current_user.la_code,
    )


def _load(alert_id: int) -> tuple[Any, Child, Notice, Setting]:
    alert = _reader_alert(alert_id)
    if alert is None:
        abort(404)
    child = g.db.get(Child, alert.child_id)
    notice = g.db.get(Notice, child.notice_id)
    setting = g.db.get(Setting, alert.setting_id)
    return alert, child, notice, setting


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@role_required("dsl", "coordinator")
def show(alert_id: int) -> Any:
    alert, child, notice, setting = _load(alert_id)
    form = AckForm()
    status = 200
    if request.method == "POST" and current_user.role != "dsl":
        abort(403)  # acknowledging is for the setting's own Key Adults
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                acknowledge(
                    g.db,
                    alert,
                    user_id=current_user.id,
                    note=form.note.data or "",
                    now=utcnow(),
                    remote_addr=request.remote_addr or "",
                )
            except AckError as exc:
                form.note.errors = [str(exc)]
                status = 409
            else:
                g.db.commit()
                flash("Acknowledged. The police have been told support is planned.")
                return redirect(url_for("alerts.show", alert_id=alert.id))
        else:
            status = 400
    audit.record(
        g.db,
        "alert.viewed",
        user_id=current_user.id,
        object_type="alert",
        object_id=alert.id,
        remote_addr=request.remote_addr or "",
    )
    g.db.commit()
    return (
        render_template(
            "alerts/show.html", alert=alert, child=child, notice=notice, setting=setting, form=form
        ),
        status,
    )
