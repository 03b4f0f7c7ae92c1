"""How the child presented: added by the setting once the child has arrived.

Asked after acknowledging, not with it: the acknowledgement comes before the school day,
the child later. Added the same morning or days later, changed if need be; audited. The
police never see it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from encompass.alerts.ack import AckError, record_presentation
from encompass.alerts.blueprint import bp, load_alert
from encompass.auth.access import role_required
from encompass.db import utcnow


class PresentationForm(FlaskForm):
    presentation = TextAreaField(
        lazy_gettext("How did the child present?"),
        description=lazy_gettext(
            "The voice of the child: what they said, and non-verbal cues such as "
            "being quiet, withdrawn, tired or upset. Up to 2000 characters. Stays in this "
            "service; the police do not see it."
        ),
    )


@bp.route("/alerts/<int:alert_id>/presentation", methods=["GET", "POST"])
@role_required("dsl")
def presentation(alert_id: int) -> Any:
    alert, _child, _notice, setting = load_alert(alert_id)
    if alert.acknowledged_at is None:
        abort(404)
    form = PresentationForm(data={"presentation": alert.child_presentation})
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            record_presentation(
                g.db,
                alert,
                user_id=current_user.id,
                text=form.presentation.data or "",
                now=utcnow(),
                remote_addr=request.remote_addr or "",
            )
        except AckError as exc:
            g.db.rollback()
            form.presentation.errors = [str(exc)]
        else:
            flash(_("Saved how the child presented"))
            return redirect(url_for("alerts.show", alert_id=alert.id))
    if request.method == "POST":
        status = 400
    return render_template(
        "alerts/presentation.html", form=form, alert=alert, setting=setting
    ), status
