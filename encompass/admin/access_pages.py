"""Who has seen a notice: its audit trail, for the council's coordinators (and admins).

A coordinator finds a notice by police reference among their own council's notices
(a child placed at one of its settings, or a review item of the council); another
council's notice is simply not found.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, render_template, request
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlmodel import Session, col, func, or_, select
from wtforms import Form, StringField

from encompass.admin.blueprint import bp, council_scope
from encompass.auth.access import role_required
from encompass.models import Child, Notice, PoliceForce, ReviewItem, Setting
from encompass.records import audit


class ReferenceForm(Form):
    reference = StringField(
        lazy_gettext("Police reference"),
        description=lazy_gettext("For example, %(example)s", example="NY-2026-004211"),
    )


def _in_council(la_code: str) -> Any:
    placed = (
        select(Child.notice_id)
        .join(Setting, col(Setting.id) == Child.setting_id)
        .where(Setting.la_code == la_code)
    )
    reviewed = select(ReviewItem.notice_id).where(ReviewItem.la_code == la_code)
    return or_(col(Notice.id).in_(placed), col(Notice.id).in_(reviewed))


def council_notice(session: Session, notice_id: int, la_code: str | None) -> Notice | None:
    """The notice if it is in the council's scope (None: every council, for admins)."""
    query = select(Notice).where(Notice.id == notice_id)
    if la_code is not None:
        query = query.where(_in_council(la_code))
    return session.exec(query).first()


def council_notices_by_reference(
    session: Session, reference: str, la_code: str | None
) -> list[Notice]:
    # Case-insensitive: "ny-2026-004211" finds NY-2026-004211.
    query = select(Notice).where(func.lower(Notice.police_reference) == reference.strip().lower())
    if la_code is not None:
        query = query.where(_in_council(la_code))
    return list(session.exec(query.order_by(col(Notice.received_at).desc()).limit(20)))


@bp.get("/access")
@role_required("admin", "coordinator")
def access_search() -> Any:
    form = ReferenceForm(request.args)
    reference = (form.reference.data or "").strip()
    found = council_notices_by_reference(g.db, reference, council_scope()) if reference else []
    forces = {f.id: f.name for f in g.db.exec(select(PoliceForce))}
    return render_template(
        "admin/access.html", search=form, searched=bool(reference), notices=found, forces=forces
    )


@bp.get("/notices/<int:notice_id>/access")
@role_required("admin", "coordinator")
def notice_access(notice_id: int) -> Any:
    notice = council_notice(g.db, notice_id, council_scope())
    if notice is None:
        abort(404)
    entries = audit.notice_access(g.db, notice_id)
    audit.record(
        g.db,
        "notice.access_log_viewed",
        user_id=current_user.id,
        object_type="notice",
        object_id=notice_id,
    )
    force = g.db.get(PoliceForce, notice.force_id)
    return render_template(
        "admin/notice_access.html",
        notice=notice,
        entries=entries,
        force_name=force.name if force else "",
    )
