"""/password-reset: "Forgotten your password?" from the sign-in page, and the link it e-mails.

The request page answers the same for every address (onboarding/password_resets.py says
why and how); the link sets a new password with the invitation's rules, ends every other
session and remembered device of the account, lifts a lock from failed sign-ins, and
signs in (with the authenticator-app step when the account has one).
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email

from encompass.auth import ratelimit
from encompass.auth.access import public
from encompass.auth.signin import begin_sign_in, safe_next
from encompass.auth.users import AccountError
from encompass.db import utcnow
from encompass.models import User
from encompass.onboarding.invitation_pages import SetPasswordForm, bp, refused
from encompass.onboarding.invitations import RESET, accept, invitation_for_token
from encompass.onboarding.password_resets import request_reset
from encompass.policies import policies
from encompass.records import audit

# Where to go once the new password is set (an alert link that led here), kept in this
# browser's session: the e-mailed link itself carries nothing but its token.
AFTER_RESET = "after_reset"
EXPIRED = "accounts/reset_expired.html"


class ForgottenForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        description=lazy_gettext(
            "The address you sign in with. We will e-mail it a link to choose a new password."
        ),
        validators=[
            DataRequired(lazy_gettext("Enter your email address")),
            Email(lazy_gettext("Enter an email address like name@example.org")),
        ],
    )


def _address_over_limit() -> bool:
    """Requests from one address count like failed sign-ins (LOGIN_FAILURES_PER_ADDRESS)."""
    access = policies().access
    bucket = ratelimit.bucket("password-reset-address", request.remote_addr or "")
    hits = ratelimit.hit(g.db, bucket, access.window, utcnow())
    return hits > access.login_failures_per_address


@bp.route("/password-reset", methods=["GET", "POST"])
@public
def forgotten_password() -> Any:
    form = ForgottenForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        if _address_over_limit():
            audit.record(g.db, "password_reset.refused", detail="too many from one address")
            minutes = int(policies().access.window.total_seconds() // 60)
            form.email.errors = [
                _(
                    "Too many requests from this network. Wait %(minutes)s minutes and try "
                    "again, or ask your council's Operation Encompass coordinator",
                    minutes=minutes,
                )
            ]
            return render_template("accounts/forgotten_password.html", form=form), 429
        request_reset(g.db, form.email.data or "", policies().invitations, now=utcnow())
        if next_url:
            session[AFTER_RESET] = next_url
        return redirect(url_for("invitations.reset_sent"))
    return (
        render_template("accounts/forgotten_password.html", form=form),
        400 if form.errors else 200,
    )


@bp.get("/password-reset/sent")
@public
def reset_sent() -> Any:
    ttl = policies().invitations.reset_ttl
    return render_template("accounts/reset_sent.html", minutes=int(ttl.total_seconds() // 60))


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Any:
    now = utcnow()
    link = invitation_for_token(g.db, token, now, purpose=RESET)
    if link is None:
        return refused(EXPIRED, "password_reset.refused")
    user = g.db.get(User, link.user_id)
    assert user is not None
    form = SetPasswordForm()
    form.password.label.text = _("New password")
    form.confirm.label.text = _("Type the new password again")
    if form.validate_on_submit():
        try:
            accept(g.db, link, form.password.data or "", now=now)
        except (AccountError, ValueError):
            g.db.rollback()
            return refused(EXPIRED, "password_reset.refused")
        # Whoever holds the mailbox is the account's owner: a lock from failed tries ends.
        ratelimit.clear(g.db, ratelimit.account_bucket(user.email))
        audit.record(
            g.db, "password_reset.used", user_id=user.id, object_type="user", object_id=user.id
        )
        return begin_sign_in(user, safe_next(session.pop(AFTER_RESET, None)))
    return (
        render_template("accounts/set_password.html", form=form, email=user.email, reset=True),
        400 if form.errors else 200,
    )
