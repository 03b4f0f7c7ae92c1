"""Import a council's or a setting's term dates on a page: preview the days, then save."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import select
from werkzeug.utils import secure_filename
from wtforms import HiddenField

from encompass.admin.blueprint import bp, council_scope
from encompass.admin.forms import CalendarForm
from encompass.auth.access import role_required
from encompass.calendar.bank_holidays import stored_bank_holidays
from encompass.calendar.imports import (
    CalendarFileError,
    Entry,
    read_calendar_bytes,
    replace_calendar,
)
from encompass.calendar.preview import preview
from encompass.calendar.school_days import Span
from encompass.db import utcnow
from encompass.models import Setting
from encompass.policies import policies
from encompass.records import audit
from encompass.web.forms import add_error
from encompass.web.language import current_language
from encompass.web.uploads import accepts_upload

MAX_CALENDAR_BYTES = 2 * 1024 * 1024
PREVIEW_VALID_SECONDS = 3600


class SaveCalendarForm(FlaskForm):
    token = HiddenField()


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(policies().access.secret_key, salt="calendar-import")


def _scope(form: CalendarForm) -> tuple[str | None, Setting | None]:
    """(LA code, setting) the calendar is for, or field errors on the form."""
    scope = council_scope()
    urn = (form.setting_urn.data or "").strip()
    if urn:
        setting = g.db.exec(select(Setting).where(Setting.urn == urn)).first()
        if setting is None or (scope is not None and setting.la_code != scope):
            add_error(
                form.setting_urn,
                _("There is no setting with URN %(urn)s in your council", urn=urn),
            )
            return None, None
        return None, setting
    la_code = scope if scope is not None else (form.la_code.data or "").strip()
    if not la_code:
        add_error(form.la_code, _("Enter the council's LA code, or the URN of one setting"))
        return None, None
    return la_code, None


@bp.get("/calendar/import")
@role_required("admin", "coordinator")
def calendar_import() -> Any:
    form = CalendarForm(setting_urn=request.args.get("setting", ""))
    return render_template("admin/calendar_import.html", form=form, problems=[])


@bp.post("/calendar/import")
@accepts_upload(MAX_CALENDAR_BYTES)
@role_required("admin", "coordinator")
def calendar_preview() -> Any:
    form = CalendarForm()
    if not form.validate_on_submit():
        return render_template("admin/calendar_import.html", form=form, problems=[]), 400
    la_code, setting = _scope(form)
    if la_code is None and setting is None:
        return render_template("admin/calendar_import.html", form=form, problems=[]), 400
    upload = form.file.data
    filename = secure_filename(upload.filename) or "calendar.ics"
    nation = setting.nation if setting else "england"
    tz = policies().tz
    try:
        calendar = read_calendar_bytes(upload.read(), filename, tz, utcnow().date(), nation)
    except CalendarFileError as exc:
        add_error(
            form.file, _("%(file)s cannot be used: %(reason)s", file=filename, reason=str(exc))
        )
        return render_template(
            "admin/calendar_import.html", form=form, problems=exc.problems[:50]
        ), 400
    token = _signer().dumps(
        {
            "la": la_code,
            "setting": setting.id if setting else None,
            "file": filename,
            "entries": [
                [e.span.start.isoformat(), e.span.end.isoformat(), e.span.kind, e.summary]
                for e in calendar.entries
            ],
        }
    )
    spans = [e.span for e in calendar.entries]
    return render_template(
        "admin/calendar_preview.html",
        calendar=calendar,
        months=preview(spans, nation, stored_bank_holidays(g.db, nation)),
        filename=filename,
        setting=setting,
        la_code=la_code,
        form=SaveCalendarForm(token=token),
        month_title=_month_title,
    )


def _month_title(month: Any) -> str:
    """'September 2026', 'Medi 2026': the month named in the reader's language."""
    if month.first is None:
        return str(month.title)
    return format_date(month.first, "LLLL y", locale=current_language())


@bp.post("/calendar/save")
@role_required("admin", "coordinator")
def calendar_save() -> Any:
    form = SaveCalendarForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = _signer().loads(form.token.data or "", max_age=PREVIEW_VALID_SECONDS)
    except BadSignature:
        flash(_("The preview was more than an hour old: upload the file again"))
        return redirect(url_for("admin.calendar_import"))
    scope = council_scope()
    setting = g.db.get(Setting, data["setting"]) if data["setting"] else None
    la_code = setting.la_code if setting else data["la"]
    if scope is not None and la_code != scope:
        abort(404)
    entries = [
        Entry("saved", Span(date.fromisoformat(a), date.fromisoformat(b), kind), summary)
        for a, b, kind, summary in data["entries"]
    ]
    count = replace_calendar(
        g.db,
        entries,
        la_code=None if setting else la_code,
        setting_id=setting.id if setting else None,
    )
    audit.record(
        g.db,
        "calendar.imported",
        user_id=current_user.id,
        object_type="setting" if setting else "council",
        object_id=setting.id if setting else None,
        detail=f"{data['file']}: {count} entries for {setting.urn if setting else la_code}",
    )
    flash(
        _(
            "Term dates saved from %(file)s: %(count)d terms and closures",
            file=data["file"],
            count=count,
        )
    )
    if setting is not None:
        return redirect(url_for("admin.setting", setting_id=setting.id))
    return redirect(url_for("admin.coverage_page"))
