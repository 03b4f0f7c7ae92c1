"""/review/: the queue of children the matcher could not place, and deciding each one.

Coordinators see their own council's items (another council's is a 404); admins see all.
Every view of an item and every decision is audited.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from encompass.admin.queries import find_settings
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.lifecycles.review import ReviewStatus
from encompass.models import Child, Notice, ReviewItem, Setting
from encompass.policies import policies
from encompass.records import audit
from encompass.review.ask import asks_for
from encompass.review.queue import (
    ANY_SETTING,
    NOT_ON_ROLL,
    ReviewError,
    item_in_scope,
    items_in_scope,
    resolve_review,
)
from encompass.review.words import evidence_text, reason_text

bp = Blueprint("review", __name__, url_prefix="/review")
bp.add_app_template_filter(reason_text, "review_reason")
bp.add_app_template_filter(evidence_text, "evidence")


@bp.app_template_global("review_asks")
def review_asks(item_id: int) -> list[tuple[Any, Setting | None]]:
    """The settings asked about a review item and their answers (templates/review/_ask.html)."""
    return [(ask, g.db.get(Setting, ask.setting_id)) for ask in asks_for(g.db, item_id)]


class DecisionForm(FlaskForm):
    choice = RadioField(
        lazy_gettext("Which pupil is this child?"),
        choices=[],
        validators=[InputRequired(lazy_gettext("Choose a pupil, or not on any roll"))],
    )


# Matches no review item: a coordinator with no council sees none, not the unassigned ones.
NO_COUNCIL = "-"


def _scope() -> str | None:
    """None means every council (admins); a coordinator is held to their own."""
    return None if current_user.role == "admin" else (current_user.la_code or NO_COUNCIL)


def _form(item: ReviewItem, found: list[Setting]) -> DecisionForm:
    form = DecisionForm()
    choices = [(str(c["pupil_id"]), str(c["pupil_id"])) for c in item.candidates]
    choices += [(f"{ANY_SETTING}{s.id}", s.name) for s in found]
    submitted = request.form.get("choice", "")
    if submitted.startswith(ANY_SETTING) and submitted not in dict(choices):
        # A setting found by an earlier search: whether it exists is checked on deciding.
        choices.append((submitted, submitted))
    choices.append((NOT_ON_ROLL, str(lazy_gettext("Not on any roll"))))
    form.choice.choices = choices
    return form


@bp.get("/")
@role_required("coordinator", "admin")
def queue() -> Any:
    items = items_in_scope(g.db, _scope())
    audit.record(g.db, "review.queue_viewed", user_id=current_user.id, detail=f"{len(items)} items")
    notices = {n.id: n for n in (g.db.get(Notice, i.notice_id) for i in items) if n}
    return render_template("review/queue.html", items=items, notices=notices, now=utcnow())


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def item(item_id: int) -> Any:
    found = item_in_scope(g.db, item_id, _scope())
    if found is None:
        abort(404)
    review_item: ReviewItem = found
    # Any setting, in any council, found by name, URN or postcode (not only the candidates).
    query = request.args.get("q", "").strip()[:100]
    settings: list[Setting] = []
    if len(query) >= 2 and review_item.status == ReviewStatus.OPEN:
        settings = [found.setting for found in find_settings(g.db, None, query, limit=20)[0]]
    form = _form(review_item, settings)
    status = 200
    now = utcnow()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                resolve_review(
                    g.db,
                    review_item,
                    str(form.choice.data),
                    user_id=current_user.id,
                    now=now,
                    policy=policies().alerts,
                    school_day_start=policies().school_day_start,
                    remote_addr=request.remote_addr or "",
                )
            except ReviewError as exc:
                g.db.rollback()
                form.choice.errors = [str(exc)]
                status = 409
            else:
                flash(_("Decided. The alert has gone out and the police can see the outcome."))
                return redirect(url_for("review.queue"))
        else:
            status = 400
    if review_item.first_viewed_at is None:
        review_item.first_viewed_at = now
        g.db.add(review_item)
    audit.record(
        g.db,
        "review.viewed",
        user_id=current_user.id,
        object_type="review_item",
        object_id=review_item.id,
        remote_addr=request.remote_addr or "",
        at=now,
    )
    child = g.db.get(Child, review_item.child_id)
    notice = g.db.get(Notice, review_item.notice_id)
    decided = (
        g.db.get(Setting, review_item.decision_setting_id)
        if review_item.decision_setting_id
        else None
    )
    return (
        render_template(
            "review/item.html",
            item=review_item,
            child=child,
            notice=notice,
            decided=decided,
            form=form,
            not_on_roll=NOT_ON_ROLL,
            any_setting=ANY_SETTING,
            query=query,
            found=settings,
        ),
        status,
    )
