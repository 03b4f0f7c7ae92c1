"""The child's story pages: what followed a week on (the setting), and a coordinator's
decision that a child on no roll is a child of an earlier notice."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from encompass.alerts.blueprint import bp, load_alert, reader_alert
from encompass.alerts.follow_up import NOTE_MAX, FollowUpError, follow_up_for, record_follow_up
from encompass.alerts.identity import LinkError, link_same_child, suggestions
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.models import Child
from encompass.records import audit
from encompass.web.forms import choices

ATTENDANCE = {
    "as_usual": lazy_gettext("As usual"),
    "more_absent": lazy_gettext("More absences than usual"),
    "late_or_left_early": lazy_gettext("Late, or collected early, more often"),
    "not_known": lazy_gettext("Not known yet"),
}
BEHAVIOUR = {
    "no_change": lazy_gettext("No change"),
    "some_concerns": lazy_gettext("Some concerns (quieter, upset, unsettled)"),
    "significant_concerns": lazy_gettext("Significant concerns"),
    "not_known": lazy_gettext("Not known yet"),
}
SUPPORT = {
    "check_ins": lazy_gettext("Regular check-ins with a trusted adult"),
    "pastoral": lazy_gettext("Pastoral or learning mentor support"),
    "therapeutic": lazy_gettext("Counselling or therapeutic support"),
    "none_needed": lazy_gettext("No extra support needed"),
    "other": lazy_gettext("Other (say in the note)"),
}
REFERRAL = {
    "none": lazy_gettext("No referral"),
    "early_help": lazy_gettext("Early help"),
    "social_care": lazy_gettext("Children's social care"),
    "other_agency": lazy_gettext("Another agency (say in the note)"),
}
# One dictionary for the templates: ("attendance", "as_usual") -> "As usual".
WORDS = {
    "attendance": ATTENDANCE,
    "behaviour": BEHAVIOUR,
    "support": SUPPORT,
    "referral": REFERRAL,
}


class FollowUpForm(FlaskForm):
    attendance = RadioField(
        lazy_gettext("Attendance since the notification"),
        choices=choices(ATTENDANCE.items()),
        validators=[InputRequired(lazy_gettext("Select how the child's attendance has been"))],
    )
    behaviour = RadioField(
        lazy_gettext("Behaviour since the notification"),
        choices=choices(BEHAVIOUR.items()),
        validators=[InputRequired(lazy_gettext("Select how the child's behaviour has been"))],
    )
    support = RadioField(
        lazy_gettext("Support given"),
        choices=choices(SUPPORT.items()),
        validators=[InputRequired(lazy_gettext("Select the support given"))],
    )
    referral = RadioField(
        lazy_gettext("Was a referral made?"),
        choices=choices(REFERRAL.items()),
        validators=[InputRequired(lazy_gettext("Select whether a referral was made"))],
    )
    note = TextAreaField(
        lazy_gettext("Anything else (optional)"),
        description=lazy_gettext(
            "A short note for whoever reads the next notification about this child. "
            "The police do not see it."
        ),
        validators=[
            Length(
                max=NOTE_MAX,
                message=lazy_gettext("The note must be %(max)d characters or fewer", max=NOTE_MAX),
            )
        ],
    )


@bp.route("/alerts/<int:alert_id>/follow-up", methods=["GET", "POST"])
@role_required("dsl")
def follow_up(alert_id: int) -> Any:
    alert, _child, _notice, setting = load_alert(alert_id)
    found = follow_up_for(g.db, alert.id)
    form = FollowUpForm(obj=found) if request.method == "GET" else FollowUpForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                record_follow_up(
                    g.db,
                    alert,
                    user_id=current_user.id,
                    attendance=form.attendance.data or "",
                    behaviour=form.behaviour.data or "",
                    support=form.support.data or "",
                    referral=form.referral.data or "",
                    note=form.note.data or "",
                    now=utcnow(),
                )
            except FollowUpError as exc:
                g.db.rollback()
                form.attendance.errors = [str(exc)]
            else:
                flash(_("Saved what followed. The police have been told it was recorded."))
                return redirect(url_for("alerts.show", alert_id=alert.id))
        status = 400
    else:
        audit.record(
            g.db,
            "alert.follow_up_viewed",
            user_id=current_user.id,
            object_type="alert",
            object_id=alert.id,
            remote_addr=request.remote_addr or "",
        )
    return render_template(
        "alerts/follow_up.html", form=form, alert=alert, setting=setting, found=found
    ), status


@bp.post("/alerts/<int:alert_id>/same-child")
@role_required("coordinator")
def same_child(alert_id: int) -> Any:
    """A coordinator says the child of this alert (on no roll) is an earlier notice's."""
    alert, child, _notice, setting = load_alert(alert_id)
    earlier_alert = reader_alert(request.form.get("earlier", type=int) or 0)
    if earlier_alert is None:
        abort(404)
    offered = {a.id for a, _c, _n in suggestions(g.db, child, setting.la_code or "")}
    if earlier_alert.id not in offered:
        abort(400)  # only the exact agreements offered on the page; never a free pick
    earlier = g.db.get(Child, earlier_alert.child_id)
    try:
        link_same_child(g.db, child, earlier, user_id=current_user.id, now=utcnow())
    except LinkError as exc:
        g.db.rollback()
        abort(409, str(exc))
    flash(_("Linked: the earlier notice is now part of this child's story."))
    return redirect(url_for("alerts.show", alert_id=alert.id))


@bp.app_context_processor
def _follow_up_words() -> dict[str, Any]:
    return {"follow_up_words": WORDS}
