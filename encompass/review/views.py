"""/review/: the queue of children the matcher could not place, and deciding each one.

Coordinators see their own council's items (another council's is a 404); admins see all.
Every view of an item and every decision is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
from sqlmodel import col, select
from wtforms import RadioField
from wtforms.validators import InputRequired

from encompass.admin.queries import find_settings
from encompass.alerts.policy import AlertPolicy
from encompass.auth.access import role_required
from encompass.config import installed
from encompass.db import utcnow
from encompass.lifecycles.child import ChildOutcome
from encompass.lifecycles.review import ReviewStatus
from encompass.matching.normalise import house_key, postcode_key
from encompass.models import Child, Notice, Pupil, ReviewItem, Setting
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
from encompass.review.words import SIBLING_THERE, evidence_text, plain_evidence, reason_text
from encompass.web.frontend import duration, long_date

bp = Blueprint("review", __name__, url_prefix="/review")
bp.add_app_template_filter(reason_text, "review_reason")
bp.add_app_template_filter(evidence_text, "evidence")


def child_label(child: Child | None, notice: Notice | None) -> str:
    """ "child 2 of notice NYP-26-00018": the child as the police sent it, never our id."""
    if child is None or notice is None:
        return ""
    return _(
        "child %(number)s of notice %(reference)s",
        number=child.position + 1,
        reference=notice.police_reference,
    )


def time_left(due_by: datetime | None, now: datetime | None = None) -> str:
    """ "Needed by 08:45 today: 1 hour 15 minutes left", or how late it is."""
    if due_by is None:
        return ""
    now = now or utcnow()
    tz = installed(AlertPolicy).tz
    due, today = due_by.astimezone(tz), now.astimezone(tz).date()
    clock = due.strftime("%H:%M")
    left = (due_by - now).total_seconds()
    if due.date() == today:
        when = _("%(time)s today", time=clock)
    elif (due.date() - today).days == 1:
        when = _("%(time)s tomorrow", time=clock)
    elif (today - due.date()).days == 1:
        when = _("%(time)s yesterday", time=clock)
    else:
        when = _("%(time)s on %(day)s", time=clock, day=long_date(due.date()))
    if left < 0:
        return _("Needed by %(when)s: %(late)s late", when=when, late=duration(-left))
    return _("Needed by %(when)s: %(left)s left", when=when, left=duration(left))


bp.add_app_template_global(child_label)
bp.add_app_template_global(time_left)


@dataclass
class Candidate:
    """A candidate as the page shows it: its date one way, its evidence in plain words."""

    pupil_id: str
    name: str
    setting_name: str
    setting_urn: str
    home_education: bool
    born: str
    postcode: str
    address: str
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass
class OtherChild:
    """Another child on the same notice, and where it went."""

    name: str
    label: str
    born: str
    went: str
    # The candidates (their names) at whose house this child is on the roll.
    same_house_as: list[str] = field(default_factory=list)


def _house(postcode: str | None, address: str | None) -> tuple[str, str]:
    return postcode_key(postcode), house_key(address, postcode)


def _born(value: Any) -> str:
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return long_date(value) if isinstance(value, date) else ""


def _where_it_went(session: Any, other: Child) -> str:
    setting = session.get(Setting, other.setting_id) if other.setting_id else None
    if other.outcome == ChildOutcome.MATCHED and setting is not None:
        return _("Matched to %(setting)s", setting=setting.name)
    if other.outcome == ChildOutcome.REVIEW:
        return _("In review: no setting yet")
    if setting is not None:
        return _("Not on any roll: sent to %(setting)s", setting=setting.name)
    return _("No setting")


def _family(
    session: Any, child: Child, item: ReviewItem
) -> tuple[list[Candidate], list[OtherChild]]:
    """The candidates in plain words, and the notice's other children: where each went,
    and which candidate's house a matched brother or sister lives at (on the roll)."""
    others = [
        c
        for c in session.exec(
            select(Child)
            .where(Child.notice_id == child.notice_id, col(Child.superseded_at).is_(None))
            .order_by(col(Child.position))
        )
        if c.id != child.id
    ]
    homes: dict[int, tuple[str, str]] = {}
    for other in others:
        pupil = session.get(Pupil, other.pupil_id) if other.pupil_id else None
        if pupil is not None and other.id is not None and pupil.postcode_key:
            homes[other.id] = _house(pupil.postcode, pupil.address)
    shown = [
        OtherChild(
            name=other.display_name,
            label=_("child %(number)s", number=other.position + 1),
            born=other.born_text,
            went=_where_it_went(session, other),
        )
        for other in others
    ]
    candidates = []
    for c in item.candidates:
        name = f"{c.get('given_name', '')} {c.get('family_name', '')}".strip()
        home = _house(c.get("postcode"), c.get("address"))
        sibling = ""
        for other, seen in zip(others, shown, strict=True):
            there = homes.get(other.id or 0)
            if there is None or not home[0] or there[0] != home[0]:
                continue
            if there[1] and home[1] and there[1] != home[1]:
                continue
            seen.same_house_as.append(name)
            setting = session.get(Setting, other.setting_id) if other.setting_id else None
            if not sibling and setting is not None and SIBLING_THERE in str(c.get("reasons")):
                sibling = _(
                    "%(name)s, also on this notice, matched at %(setting)s: same house",
                    name=other.given_name,
                    setting=setting.name,
                )
        candidates.append(
            Candidate(
                pupil_id=str(c["pupil_id"]),
                name=name,
                setting_name=c.get("setting_name", ""),
                setting_urn=c.get("setting_urn", ""),
                home_education=c.get("setting_kind") == "home_education",
                born=_born(c.get("date_of_birth")),
                postcode=c.get("postcode") or "",
                address=c.get("address") or "",
                score=float(c.get("score") or 0.0),
                evidence=plain_evidence(list(c.get("reasons") or []), sibling),
            )
        )
    return candidates, shown


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
    children = {c.id: c for c in (g.db.get(Child, i.child_id) for i in items) if c}
    return render_template(
        "review/queue.html", items=items, notices=notices, children=children, now=utcnow()
    )


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
    candidates, others = _family(g.db, child, review_item) if child else ([], [])
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
            candidates=candidates,
            others=others,
            now=now,
            part=request.form.get("part", ""),
        ),
        status,
    )
