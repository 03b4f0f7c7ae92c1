"""The Key Adult's inbox. The alert page itself is encompass/alerts/views.py (/alerts/<id>)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select

from encompass.alerts.ack import reader_settings
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.dsl.queries import inbox as inbox_items
from encompass.lifecycles.review import ReviewStatus
from encompass.models import Alert, Child, Pupil, ReviewItem, Setting
from encompass.policies import policies
from encompass.records import audit
from encompass.review.answer import answer_ask
from encompass.review.ask import NO, YES, ask_for_reader
from encompass.review.queue import ReviewError

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


class AnswerForm(FlaskForm):
    """Only the CSRF token: the answer is the button pressed."""


@bp.route("/asks/<int:ask_id>", methods=["GET", "POST"])
@role_required("dsl")
def ask(ask_id: int) -> Any:
    """A setting asked whether a child in review is its pupil. Before a yes the page shows
    only the child's name and date of birth (or age) from the notice, beside the pupil on
    the setting's own roll: nothing else of the notice."""
    settings = reader_settings(g.db, current_user.id, current_user.setting_id)
    found = ask_for_reader(g.db, ask_id, settings)
    if found is None:
        abort(404)
    item = g.db.get(ReviewItem, found.review_item_id)
    child = g.db.get(Child, item.child_id) if item else None
    setting = g.db.get(Setting, found.setting_id)
    if item is None or child is None or setting is None:
        abort(404)
    now = utcnow()
    form = AnswerForm()
    status = 200
    error = ""
    if request.method == "POST":
        answer = request.form.get("answer", "")
        if not form.validate_on_submit() or answer not in (YES, NO):
            status, error = 400, _("Choose “Yes, this is our pupil” or “No, not our pupil”")
        else:
            try:
                placed = answer_ask(
                    g.db,
                    found,
                    answer,
                    user_id=current_user.id,
                    now=now,
                    policy=policies().alerts,
                    school_day_start=policies().school_day_start,
                    remote_addr=request.remote_addr or "",
                )
            except ReviewError as exc:
                g.db.rollback()
                status, error = 409, str(exc)
            else:
                if placed is None:
                    flash(
                        _("Thank you. The council's coordinator will find where this child goes.")
                    )
                    return redirect(url_for("dsl.inbox"))
                alert = g.db.exec(
                    select(Alert).where(Alert.child_id == placed.id, Alert.setting_id == setting.id)
                ).first()
                flash(
                    _("Thank you. The notification is open below: please read and acknowledge it.")
                )
                return redirect(
                    url_for("alerts.show", alert_id=alert.id) if alert else url_for("dsl.inbox")
                )
    # The pupil's row on the setting's roll as the matcher read it (the review item keeps
    # a copy: rolls are replaced wholesale); the roll itself if the copy is gone.
    pupil = next((c for c in item.candidates if int(c["pupil_id"]) == found.pupil_id), None)
    if pupil is None:
        row = g.db.get(Pupil, found.pupil_id)
        if row is not None and row.setting_id == setting.id:
            pupil = {
                "given_name": row.given_name,
                "family_name": row.family_name,
                "date_of_birth": row.date_of_birth.isoformat(),
                "address": row.address,
                "postcode": row.postcode,
            }
    born = date.fromisoformat(pupil["date_of_birth"]) if pupil else None
    audit.record(
        g.db,
        "review.ask_viewed",
        user_id=current_user.id,
        object_type="review_item",
        object_id=item.id,
        remote_addr=request.remote_addr or "",
        at=now,
    )
    return (
        render_template(
            "dsl/ask.html",
            ask=found,
            open=item.status == ReviewStatus.OPEN and found.answered_at is None,
            item=item,
            child=child,
            setting=setting,
            pupil=pupil,
            born=born,
            form=form,
            error=error,
            yes=YES,
            no=NO,
        ),
        status,
    )
