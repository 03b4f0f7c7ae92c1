"""/a/<token> (the link in an alert) and the alert page with its acknowledgement form."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from encompass.admin.queries import AttentionItem, add_people_and_ladder
from encompass.alerts import (  # noqa: F401 - they register their pages on `bp`
    presentation_pages,
    story_pages,
)
from encompass.alerts.ack import (
    AckError,
    acknowledge,
    link_for_token,
    role_at,
)
from encompass.alerts.blueprint import bp, load_alert, reader_alert
from encompass.alerts.council_actions import (
    CouncilActionError,
    may_act_for_council,
    record_council_handling,
)
from encompass.alerts.follow_up import follow_up_for, schedule
from encompass.alerts.identity import suggestions
from encompass.alerts.link_sign_in_pages import check_your_email
from encompass.alerts.story import also_told, child_story
from encompass.alerts.summary import plain_text_summary
from encompass.auth import ratelimit
from encompass.auth.access import public, role_required, two_factor_required
from encompass.db import utcnow
from encompass.models import AlertLink, Child, KeyAdult, Notice, Setting, User
from encompass.notices.amend import amendments_for_child
from encompass.onboarding.invitations import invitation_from_alert_link
from encompass.policies import policies
from encompass.records import audit


class AckForm(FlaskForm):
    note = TextAreaField(
        lazy_gettext("What support have you planned for the child?"),
        description=lazy_gettext(
            "The police officer will see this. Do not include other children's details."
        ),
        validators=[
            DataRequired(lazy_gettext("Enter the support you have planned for the child")),
            Length(
                max=2000, message=lazy_gettext("Support planned must be 2000 characters or fewer")
            ),
        ],
    )


def page_deadline(due_by: datetime | None, tz: ZoneInfo) -> str:
    """'08:45 Tue 1 Dec' ('08:45 Maw 1 Rhag'), in the page's language; the next school day
    when unknown."""
    if due_by is None:
        return _("the start of the next school day")
    local = due_by.astimezone(tz)
    day = format_date(local.date(), "EEE d MMM", locale=str(get_locale() or "en"))
    return f"{local:%H:%M} {day}"


def _link_failure(now: datetime, link_id: int | None = None) -> bool:
    """Count a refused link; True when whoever sent it is over the limit.

    Failures are counted per address for anonymous requests and per user for signed-in
    ones (a valid session is never held back by its neighbours at a shared address), and
    per link for a real link opened by the wrong person.
    """
    access = policies().access
    window, limit = access.window, access.link_failures_per_address
    who = (
        ratelimit.bucket("link-failures-user", str(current_user.id))
        if current_user.is_authenticated
        else ratelimit.bucket("link-failures", request.remote_addr or "")
    )
    if link_id is not None:
        ratelimit.hit(g.db, ratelimit.bucket("link-misuse", str(link_id)), window, now)
    return ratelimit.hit(g.db, who, window, now) > limit


class CouncilHandlingForm(FlaskForm):
    """What the council is doing instead of an acknowledgement ("called the school")."""

    note = TextAreaField(
        lazy_gettext("What is the council doing?"),
        description=lazy_gettext(
            "For example: called the school at 08:50, the deputy head will "
            "support the child. The ladder stops here; nothing more is sent."
        ),
        validators=[
            DataRequired(
                lazy_gettext("Enter what the council is doing, like 'called the school at 08:50'")
            ),
            Length(
                max=2000,
                message=lazy_gettext("What the council is doing must be 2000 characters or fewer"),
            ),
        ],
    )


@bp.get("/a/<token>")
@public
def open_link(token: str) -> Any:
    """Never shows data by itself: an unknown or expired link looks the same as a bad one.

    The link leads to sign-in; after it, to the alert if the reader's scope holds it. The
    first reader is remembered, and the link then works for them alone. A live link is
    always served; refused ones count (ALERT_LINK_FAILURES_PER_ADDRESS per window) against
    the address, or the signed-in user, and past the limit are answered 429.
    """
    now = utcnow()
    link = link_for_token(g.db, token, now)
    if link is None:
        over = _link_failure(now)
        if not over:
            audit.record(
                g.db,
                "alert_link.refused",
                user_id=current_user.id if current_user.is_authenticated else None,
                detail="unknown or expired link",
            )
        abort(429 if over else 404)
    if not current_user.is_authenticated:
        return _sign_in_first(link, now)
    alert = reader_alert(link.alert_id)
    if alert is None or (
        link.used_by_user_id is not None and link.used_by_user_id != current_user.id
    ):
        over = _link_failure(now, link.id)
        audit.record(
            g.db,
            "alert_link.refused",
            user_id=current_user.id,
            object_type="alert_link",
            object_id=link.id,
            detail="not this reader's alert" if alert is None else "already used by another user",
        )
        abort(429 if over else 404)
    if link.used_by_user_id is None:
        link.first_used_at = now
        link.used_by_user_id = current_user.id
        g.db.add(link)
    audit.record(
        g.db,
        "alert_link.opened",
        user_id=current_user.id,
        object_type="alert_link",
        object_id=link.id,
        at=now,
    )
    return redirect(url_for("alerts.show", alert_id=alert.id))


def _sign_in_first(link: AlertLink, now: datetime) -> Any:
    """To sign-in; or, for a Key Adult with no password yet, to set one (a verified mobile
    only) or to their invitation e-mail (link_sign_in_pages.py), then the alert."""
    adult = g.db.get(KeyAdult, link.key_adult_id)
    if adult is None or not adult.active or link.used_by_user_id not in (None, adult.user_id):
        return redirect(url_for("accounts.login", next=request.path))
    found = invitation_from_alert_link(
        g.db, adult, now=now, needs_second_factor=two_factor_required
    )
    if found.step == "sign_in":
        return redirect(url_for("accounts.login", next=request.path))
    if found.step == "check_email":
        return check_your_email(link, now)
    audit.record(
        g.db,
        "alert_link.set_password",
        object_type="alert_link",
        object_id=link.id,
        detail="no password yet, mobile verified: sent to set one",
        at=now,
    )
    return redirect(url_for("invitations.set_password", token=found.token, next=request.path))


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@role_required("dsl", "coordinator")
def show(alert_id: int) -> Any:
    alert, child, notice, setting = load_alert(alert_id)
    form = AckForm()
    status = 200
    council = current_user.role == "coordinator"
    if request.method == "POST" and council and not may_act_for_council(alert):
        abort(403)  # until the ladder reaches the council, it is the setting's to acknowledge
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
                    acknowledged_as=(
                        "council" if council else role_at(g.db, current_user.id, alert.setting_id)
                    ),
                )
            except AckError as exc:
                g.db.rollback()
                form.note.errors = [str(exc)]
                status = 409
            else:
                schedule(g.db, alert, setting, policies().alerts, policies().school_day_start)
                # No flash: the page's panel is the one confirmation.
                return redirect(url_for("alerts.show", alert_id=alert.id))
        else:
            status = 400
    return _alert_page(
        alert, child, notice, setting, form, CouncilHandlingForm(prefix="council"), status
    )


@bp.post("/alerts/<int:alert_id>/council-handling")
@role_required("coordinator")
def council_handling(alert_id: int) -> Any:
    """A coordinator reached by escalation records what the council is doing: the ladder
    stops there."""
    alert, child, notice, setting = load_alert(alert_id)
    if not may_act_for_council(alert):
        abort(403)
    # Prefixed: its fields sit beside the acknowledgement form's on the same page.
    handling = CouncilHandlingForm(prefix="council")
    if handling.validate_on_submit():
        try:
            record_council_handling(
                g.db, alert, user_id=current_user.id, note=handling.note.data or "", now=utcnow()
            )
        except CouncilActionError as exc:
            g.db.rollback()
            handling.note.errors = [str(exc)]
        else:
            flash(_("Recorded: the council is handling this notification. Nothing more is sent."))
            return redirect(url_for("alerts.show", alert_id=alert.id))
    return _alert_page(alert, child, notice, setting, AckForm(formdata=None), handling, 400)


def _alert_page(
    alert: Any,
    child: Child,
    notice: Notice,
    setting: Setting,
    form: AckForm,
    handling: CouncilHandlingForm,
    status: int,
) -> Any:
    now = utcnow()
    audit.record(
        g.db,
        "alert.viewed",
        user_id=current_user.id,
        object_type="alert",
        object_id=alert.id,
        remote_addr=request.remote_addr or "",
        at=now,
    )
    council = current_user.role == "coordinator"
    story = child_story(
        g.db, alert, child, notice, setting, council=council, user_id=current_user.id, now=now
    )
    tz = policies().tz
    seconds_left = (alert.due_by - now).total_seconds() if alert.due_by else None
    council_view = _council_view(alert, child, notice, setting)
    return (
        render_template(
            "alerts/show.html",
            due_text=page_deadline(alert.due_by, tz),
            seconds_left=seconds_left,
            overdue=seconds_left is not None and seconds_left <= 0,
            key_adults=council_view.key_adults if council_view else [],
            ladder=council_view.ladder if council_view else [],
            alert=alert,
            child=child,
            notice=notice,
            setting=setting,
            form=form,
            handling_form=handling,
            may_act_for_council=may_act_for_council(alert),
            handled_by=(
                g.db.get(User, alert.council_handling_by_user_id)
                if alert.council_handling_by_user_id
                else None
            ),
            summary_text=_summary(alert, child, notice, setting),
            amendments=amendments_for_child(g.db, alert.child_id),
            also_told=also_told(g.db, alert),
            story=story,
            follow_up=follow_up_for(g.db, alert.id),
            same_child=suggestions(g.db, child, setting.la_code or "") if council else [],
        ),
        status,
    )


def _council_view(
    alert: Any, child: Child, notice: Notice, setting: Setting
) -> AttentionItem | None:
    """For a coordinator: the setting's Key Adults to call and the ladder so far."""
    if current_user.role == "dsl":
        return None
    item = AttentionItem(alert, child, notice, setting, alert.escalated_at is not None)
    add_people_and_ladder(g.db, [item])
    return item


def _summary(alert: Any, child: Child, notice: Notice, setting: Setting) -> str:
    by = g.db.get(User, alert.acknowledged_by_user_id) if alert.acknowledged_by_user_id else None
    return plain_text_summary(
        alert,
        child,
        notice,
        setting,
        tz=policies().tz,
        acknowledged_by=by.email if by else None,
    )


@bp.get("/alerts/<int:alert_id>/summary.txt")
@role_required("dsl", "coordinator")
def summary_text(alert_id: int) -> Any:
    """The plain-text record as a file, for a setting that attaches files to its records."""
    alert, child, notice, setting = load_alert(alert_id)
    audit.record(
        g.db,
        "alert.summary_downloaded",
        user_id=current_user.id,
        object_type="alert",
        object_id=alert.id,
        remote_addr=request.remote_addr or "",
    )
    filename = f"operation-encompass-{notice.police_reference}-{alert.id}.txt"
    filename = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in filename)
    return Response(
        _summary(alert, child, notice, setting),
        mimetype="text/plain",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
