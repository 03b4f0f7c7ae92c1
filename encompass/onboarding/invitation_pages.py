"""/invitation/<token>: a Key Adult sets their password from the invitation e-mail (or
from an alert link, when they had none yet), then signs in and goes on."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template, request
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from encompass.auth import ratelimit
from encompass.auth.access import public
from encompass.auth.policy import access_policy
from encompass.auth.signin import begin_sign_in, safe_next
from encompass.auth.users import AccountError, choose_language
from encompass.db import utcnow
from encompass.models import User
from encompass.onboarding.invitations import accept, invitation_for_token
from encompass.records import audit
from encompass.web.forms import language_field
from encompass.web.language import current_language

bp = Blueprint("invitations", __name__)


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        lazy_gettext("Create a password"),
        description=lazy_gettext(
            "At least 12 characters. Three or four unrelated words work well."
        ),
        validators=[
            DataRequired(lazy_gettext("Enter a password")),
            Length(min=12, message=lazy_gettext("Your password must be at least 12 characters")),
            Length(max=200, message=lazy_gettext("Your password must be 200 characters or fewer")),
        ],
    )
    confirm = PasswordField(
        lazy_gettext("Type the password again"),
        validators=[
            DataRequired(lazy_gettext("Type the password again")),
            EqualTo("password", message=lazy_gettext("The two passwords are not the same")),
        ],
    )


class FirstPasswordForm(SetPasswordForm):
    """From the invitation: the password, and the language the person wants."""

    language = language_field()


def refused(
    template: str = "accounts/invitation_expired.html", action: str = "invitation.refused"
) -> Any:
    """An unknown, used or expired link; counted against the address like a bad alert link."""
    now = utcnow()
    access = access_policy()
    window, limit = access.window, access.link_failures_per_address
    bucket = ratelimit.bucket("invitation-failures", request.remote_addr or "")
    over = ratelimit.hit(g.db, bucket, window, now) > limit
    if not over:
        audit.record(g.db, action, detail="unknown, used or expired")
    if over:
        abort(429)
    return render_template(template), 404


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def set_password(token: str) -> Any:
    now = utcnow()
    invitation = invitation_for_token(g.db, token, now)
    if invitation is None:
        return refused()
    user = g.db.get(User, invitation.user_id)
    assert user is not None
    form = FirstPasswordForm()
    if request.method == "GET" and form.language.data is None:
        form.language.data = user.language or current_language()
    if form.validate_on_submit():
        try:
            accept(g.db, invitation, form.password.data or "", now=now)
        except (AccountError, ValueError):
            g.db.rollback()
            return refused()
        choose_language(g.db, user.id, form.language.data or current_language())
        return begin_sign_in(user, safe_next(request.args.get("next")))
    return (
        render_template("accounts/set_password.html", form=form, email=user.email),
        400 if form.errors else 200,
    )
