"""Amending a sent notice from the control room: add a forgotten child, correct a child.

The pages build the same PATCH body a force's system sends and go through the same
service (encompass/notices/amend.py); its errors come back onto the fields in the same
words, naming the child by their place on the notice.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import Form

from encompass.auth.access import role_required
from encompass.db import utcnow
from encompass.models import Child, Notice
from encompass.notices.amend import AmendmentInvalid, amend_notice, current_children
from encompass.notices.api import intake_config
from encompass.notices.schemas import NoticeAmendmentIn
from encompass.notices.wording import field_errors, with_person
from encompass.police.blueprint import bp
from encompass.police.forms import FORM_WORDS, ChildForm, child_item
from encompass.web.forms import DateParts, add_error


class ChildPageForm(ChildForm, FlaskForm):
    """One child's fields on a page of their own (CSRF-protected)."""


def _notice(notice_id: int) -> Notice:
    notice = g.db.get(Notice, notice_id)
    if notice is None or notice.force_id != current_user.force_id:
        abort(404)  # another force's notice is simply not found
    return notice


def _prefill(child: Child) -> dict[str, Any]:
    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    return {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth,
        "age_years": "" if child.age_years is None else str(child.age_years),
        "unborn": child.unborn,
        "expected_date": child.expected_date,
        "postcode": child.postcode,
        "address": child.address,
        "setting_urn": child.officer_setting_urn or "",
        "present": yes_no(child.present),
        "where": child.where,
        "spoken_to": yes_no(child.spoken_to),
        "voice_of_child": child.voice_of_child,
        "other_adult_present": yes_no(child.other_adult_present),
    }


def _place_errors(form: Form, errors: dict[str, list[str]], named: str) -> None:
    """The amendment's errors ({"add_children.0.where": [...]}) onto the page's fields."""
    for key, messages in errors.items():
        name = key.rsplit(".", 1)[-1]
        field = getattr(form, name, None)
        for message in messages:
            if isinstance(field, DateParts) and field.is_empty and name in FORM_WORDS:
                message = str(FORM_WORDS[name])  # the form asks for it with boxes and a tick
            message = with_person(named, message)
            if field is None or not hasattr(field, "errors"):
                form.form_errors.append(message)
            elif not field.errors:
                add_error(field, message)


def _amend(notice: Notice, form: ChildPageForm, body: dict[str, Any], named: str) -> Any:
    """Validate and make the amendment; the redirect, or None with the errors on `form`."""
    form.validate()
    for item in form:
        item.errors = [with_person(named, str(m)) for m in item.errors]
    now = utcnow()
    try:
        data = NoticeAmendmentIn.model_validate(body, context={"now": now})
    except ValidationError as exc:
        _place_errors(form, field_errors(exc, lambda _group, _index: named), named)
        return None
    if form.errors or form.form_errors:
        return None
    try:
        amended = amend_notice(
            g.db, notice, data, now=now, cfg=intake_config(), user_id=current_user.id
        )
    except AmendmentInvalid as exc:
        g.db.rollback()
        _place_errors(form, exc.errors, named)
        return None
    if amended.added:
        flash(
            _(
                "%(child)s added to notice %(reference)s and sent on",
                child=named,
                reference=notice.police_reference,
            )
        )
    elif amended.changed:
        flash(_("%(child)s's details corrected", child=named))
    else:
        flash(
            _("Nothing changed: %(child)s's details were already as given", child=named),
            "important",
        )
    return redirect(url_for("police.notice", notice_id=notice.id))


@bp.route("/notices/<int:notice_id>/children/new", methods=["GET", "POST"])
@role_required("police")
def add_child(notice_id: int) -> Any:
    """A child the notice left out: resolved and alerted like the notice's own children."""
    notice = _notice(notice_id)
    children = current_children(g.db, notice_id)
    named = _("Child %(number)d", number=len(children) + 1)
    form = ChildPageForm()
    body = None
    if request.method == "POST":
        first = ChildForm(data=_prefill(children[0])) if children else None
        body = {"add_children": [child_item(form, first)]}
    return _child_page(notice, form, named, body, adding=True)


@bp.route("/notices/<int:notice_id>/children/<int:child_id>/correct", methods=["GET", "POST"])
@role_required("police")
def correct_child(notice_id: int, child_id: int) -> Any:
    """Correct a child's details; a change to what they are matched on matches them again."""
    notice = _notice(notice_id)
    child = next((c for c in current_children(g.db, notice_id) if c.id == child_id), None)
    if child is None:
        abort(404)
    named = _("Child %(number)d", number=child.position + 1)
    form = ChildPageForm() if request.method == "POST" else ChildPageForm(data=_prefill(child))
    body = None
    if request.method == "POST":
        body = {"correct_children": [{"id": child.id, **child_item(form)}]}
    return _child_page(notice, form, named, body, adding=False)


def _child_page(
    notice: Notice, form: ChildPageForm, named: str, body: dict[str, Any] | None, *, adding: bool
) -> Any:
    """Amend the notice with `body` (a POST) and go back to it, else show the child's form
    (400 with its errors when the amendment was refused)."""
    if body is not None:
        done = _amend(notice, form, body, named)
        if done is not None:
            return done
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "police/amend_child.html", form=form, notice=notice, named=named, adding=adding
    ), status
