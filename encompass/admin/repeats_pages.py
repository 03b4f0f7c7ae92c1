"""Children to look at together: the council's children with repeated notices, for the
MASH or MARAC, as a page and a CSV. A coordinator's own council only; every notice listed
is audited as a read of it."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from flask import Response, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlmodel import col, select
from wtforms import Form, SelectField

from encompass.admin.blueprint import bp, council_scope
from encompass.alerts.story import deadline_kept
from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.models import FollowUp
from encompass.policies import policies
from encompass.records import audit
from encompass.reports.repeats import ChildStory, repeated_children
from encompass.web.forms import choices

PERIODS = [
    ("90", lazy_gettext("90 days")),
    ("182", lazy_gettext("6 months")),
    ("365", lazy_gettext("12 months")),
]
# (acknowledged, deadline kept) -> words.
OUTCOME_WORDS = {
    (True, "kept"): lazy_gettext("acknowledged before the deadline"),
    (True, "missed"): lazy_gettext("acknowledged after the deadline"),
    (True, ""): lazy_gettext("acknowledged"),
    (False, "missed"): lazy_gettext("not acknowledged: deadline missed"),
    (False, "to come"): lazy_gettext("deadline to come"),
    (False, ""): lazy_gettext("not acknowledged"),
}
REFERRAL_WORDS = {
    "none": lazy_gettext("no referral"),
    "early_help": lazy_gettext("early help"),
    "social_care": lazy_gettext("children's social care"),
    "other_agency": lazy_gettext("another agency"),
}


class PeriodForm(Form):
    days = SelectField(lazy_gettext("Notices in the last"), choices=choices(PERIODS), default="365")


def _stories() -> tuple[PeriodForm, list[ChildStory], dict[int, FollowUp], datetime]:
    form = PeriodForm(request.args)
    days = int(form.days.data) if form.days.data in dict(PERIODS) else 365
    now = utcnow()
    stories = repeated_children(
        g.db, council_scope(), policies().repeats, since=now - timedelta(days=days), until=now
    )
    ids = [r.alert.id for s in stories for r in s.rows]
    follow_ups = {
        f.alert_id: f for f in g.db.exec(select(FollowUp).where(col(FollowUp.alert_id).in_(ids)))
    }
    return form, stories, follow_ups, now


def outcome(row: Any, now: datetime) -> str:
    if row.notice.minimised_at is not None:
        return _("details minimised")
    if row.alert.acknowledged_at is None and row.alert.council_handling_at is not None:
        return _("the council handled it")
    acknowledged = row.alert.acknowledged_at is not None
    return str(OUTCOME_WORDS[(acknowledged, deadline_kept(row.alert, now))])


def followed(follow_up: FollowUp | None) -> str:
    if follow_up is None:
        return _("not recorded")
    return _(
        "recorded: %(referral)s",
        referral=REFERRAL_WORDS.get(follow_up.referral, follow_up.referral),
    )


def _audit(stories: list[ChildStory], how: str) -> None:
    for story in stories:
        for row in story.rows:
            audit.record(
                g.db,
                "alert.viewed",
                user_id=current_user.id,
                object_type="alert",
                object_id=row.alert.id,
                detail=f"in the council's {how} of children with repeated notices",
            )
    audit.record(
        g.db,
        "children.repeated_listed",
        user_id=current_user.id,
        detail=f"{how}: {len(stories)} children",
    )


@bp.get("/children/repeated")
@role_required("coordinator")
def repeated_children_page() -> Any:
    form, stories, follow_ups, now = _stories()
    _audit(stories, "list")
    return render_template(
        "admin/repeated_children.html",
        form=form,
        stories=stories,
        follow_ups=follow_ups,
        outcome=lambda row: outcome(row, now),
        followed=followed,
        rule=policies().repeats.describe(),
        query=request.args,
    )


@bp.get("/children/repeated.csv")
@role_required("coordinator")
def repeated_children_csv() -> Any:
    _form, stories, follow_ups, now = _stories()
    _audit(stories, "CSV")
    tz = policies().tz
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "child",
            "story",
            "notices",
            "police_reference",
            "occurred_at",
            "setting_urn",
            "setting",
            "outcome",
            "follow_up",
        ]
    )
    for story in stories:
        for row in story.rows:
            writer.writerow(
                [
                    story.name or "(minimised)",
                    story.story_id,
                    len(story.rows),
                    row.notice.police_reference,
                    row.notice.occurred_at.astimezone(tz).isoformat(timespec="minutes"),
                    row.setting.urn,
                    row.setting.name,
                    outcome(row, now),
                    followed(follow_ups.get(row.alert.id)),  # type: ignore[arg-type]
                ]
            )
    day = now.astimezone(tz).date().isoformat()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="encompass-repeated-children-{day}.csv"',
            "Cache-Control": "no-store",
        },
    )
