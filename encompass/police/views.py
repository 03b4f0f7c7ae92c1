"""Control room pages: submit a notice, and follow what happened to each child.

A police user sees their own force's notices only (current_user.force_id).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.notices.amend import notice_amendments
from encompass.notices.api import intake_config
from encompass.notices.schemas import NoticeIn
from encompass.notices.service import NoticeDiffers, submit_notice
from encompass.police import amend_pages  # noqa: F401 - its pages register themselves on `bp`
from encompass.police.blueprint import bp
from encompass.police.forms import (
    BlankRows,
    FilterForm,
    NoticeForm,
    apply_schema_errors,
    name_people,
    notice_body,
)
from encompass.police.queries import STATUSES, force_notice, force_notices
from encompass.policies import policies
from encompass.records import audit


def _tz() -> ZoneInfo:
    return policies().tz


@bp.get("/notices")
@role_required("police")
def notices() -> Any:
    filters = FilterForm(request.args)
    status = filters.status.data if filters.status.data in STATUSES else None
    rows = force_notices(
        g.db,
        current_user.force_id,
        tz=_tz(),
        received_from=filters.received_from.data,
        received_to=filters.received_to.data,
        status=status,
    )
    filtered = bool(status or filters.received_from.data or filters.received_to.data)
    audit.record(g.db, "notices.listed", user_id=current_user.id, detail=f"{len(rows)} notices")
    return render_template("police/notices.html", rows=rows, filters=filters, filtered=filtered)


def _move_rows(form: NoticeForm) -> bool:
    """'Add another child' and 'Remove' buttons change the rows and submit nothing."""
    for name, rows in (("child", form.children), ("adult", form.adults)):
        if f"add_{name}" in request.form:
            if len(rows.entries) < rows.max_entries:
                rows.append_entry()
            return True
        remove = request.form.get(f"remove_{name}")
        if remove is not None:
            if len(rows.entries) > 1:
                rows.entries = [e for e in rows.entries if e.name != remove]
            return True
    return False


@bp.route("/notices/new", methods=["GET", "POST"])
@role_required("police")
def new_notice() -> Any:
    form = NoticeForm()
    status = 200
    if request.method == "POST" and not _move_rows(form):
        # CSRFProtect has already refused a forged post; this collects impossible dates.
        form.validate()
        now = utcnow()
        built = notice_body(form, _tz())
        data: NoticeIn | None = None
        try:
            data = NoticeIn.model_validate(built.body, context={"now": now})
        except ValidationError as exc:
            apply_schema_errors(form, built, exc)
        name_people(form)
        if data is not None and not form.errors and not form.form_errors:
            try:
                submitted = submit_notice(
                    g.db,
                    current_user.force_id,
                    data,
                    now=now,
                    cfg=intake_config(),
                    user_id=current_user.id,
                )
            except NoticeDiffers as exc:
                g.db.rollback()
                flash(
                    _(
                        "Notice %(reference)s was already submitted with other details, and "
                        "nothing new was sent. To add a child or correct a child's details, "
                        "use the buttons on the notice.",
                        reference=exc.notice.police_reference,
                    ),
                    "important",
                )
                return redirect(url_for("police.notice", notice_id=exc.notice.id))
            notice = submitted.notice
            if submitted.created:
                flash(_("Notice %(reference)s submitted", reference=notice.police_reference))
            else:
                flash(
                    _(
                        "Notice %(reference)s was already submitted: nothing new was sent",
                        reference=notice.police_reference,
                    ),
                    "important",
                )
            return redirect(url_for("police.notice", notice_id=notice.id))
        status = 400
    return (
        render_template("police/new_notice.html", form=form, blank=BlankRows(prefix="new")),
        status,
    )


@bp.get("/notices/<int:notice_id>")
@role_required("police")
def notice(notice_id: int) -> Any:
    row = force_notice(g.db, current_user.force_id, notice_id)
    if row is None:
        abort(404)
    audit.record(
        g.db,
        "notice.viewed",
        user_id=current_user.id,
        object_type="notice",
        object_id=notice_id,
        remote_addr=request.remote_addr or "",
    )
    return render_template(
        "police/notice.html", row=row, amendments=notice_amendments(g.db, notice_id)
    )
