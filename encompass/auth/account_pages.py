"""/account: the signed-in person's own account. Their authenticator app, the devices they
asked to be remembered for the working day (each can be forgotten), and "sign out
everywhere", which ends every session and forgets every remembered device."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from encompass.auth import device_cookie, devices
from encompass.auth.access import role_required
from encompass.auth.policy import sign_in_policy
from encompass.auth.signin import bp
from encompass.auth.users import choose_language, sign_out_everywhere
from encompass.db import utcnow
from encompass.models import RememberedDevice, User
from encompass.models.people import USER_ROLES
from encompass.records import audit
from encompass.web.forms import language_field
from encompass.web.language import current_language


class ActionForm(FlaskForm):
    """Only a CSRF token: the POST itself is the request."""


class LanguageForm(FlaskForm):
    language = language_field()


@bp.get("/account")
@role_required(*USER_ROLES)
def account() -> Any:
    user = g.db.get(User, current_user.id)
    assert user is not None
    policy = sign_in_policy()
    return render_template(
        "accounts/account.html",
        user=user,
        devices=devices.listed(g.db, user.id, utcnow()),
        this_device=device_cookie.this_device_hash(user.id),
        form=ActionForm(),
        language_form=LanguageForm(data={"language": user.language or current_language()}),
        idle_minutes=int(policy.idle.total_seconds() // 60),
        longest_hours=int(policy.longest.total_seconds() // 3600),
        remember_hours=int(policy.remember_device.total_seconds() // 3600),
    )


@bp.post("/account/language")
@role_required(*USER_ROLES)
def change_language() -> Any:
    """The language of this person's pages, and of the messages sent to them."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.language.data not in ("cy", "en"):
        abort(400)
    choose_language(g.db, current_user.id, form.language.data)
    audit.record(
        g.db,
        "user.language",
        user_id=current_user.id,
        object_type="user",
        object_id=current_user.id,
        detail=form.language.data,
    )
    g.language = form.language.data  # the message below in the language just chosen
    flash(_("Your language is saved."))
    return redirect(url_for("accounts.account", lang=form.language.data))


@bp.post("/account/devices/<int:device_id>/forget")
@role_required(*USER_ROLES)
def forget_device(device_id: int) -> Any:
    """Stop remembering one device: its next sign-in asks for a code again."""
    row = g.db.get(RememberedDevice, device_id)
    if row is None or row.user_id != current_user.id or not ActionForm().validate_on_submit():
        abort(404)
    devices.end(g.db, row, utcnow(), "forgotten by its owner")
    audit.record(
        g.db,
        "device.forgotten",
        user_id=current_user.id,
        object_type="remembered_device",
        object_id=row.id,
    )
    if row.label:
        flash(_("%(device)s is no longer remembered", device=row.label))
    else:
        flash(_("The device is no longer remembered"))
    response = redirect(url_for("accounts.account"))
    this = row.token_hash == device_cookie.this_device_hash(current_user.id)
    return device_cookie.clear_on(response) if this else response


@bp.post("/account/sign-out-everywhere")
@role_required(*USER_ROLES)
def sign_out_everywhere_page() -> Any:
    """End every session of this account, this one too, and forget every device."""
    if not ActionForm().validate_on_submit():
        abort(400)
    user = g.db.get(User, current_user.id)
    assert user is not None
    ended = sign_out_everywhere(g.db, user, now=utcnow())
    logout_user()
    session.clear()
    flash(
        ngettext(
            "You are signed out everywhere (%(num)d session ended) and no device is remembered.",
            "You are signed out everywhere (%(num)d sessions ended) and no device is remembered.",
            ended,
        )
    )
    return device_cookie.clear_on(redirect(url_for("accounts.login")))
