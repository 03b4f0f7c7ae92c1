"""An alert link opened by a Key Adult who has no password yet, and whose mobile number was
never verified: "check your e-mail for your invitation", with a resend to the address on
record. The link alone never makes a password (onboarding/invitations.py says why).

The page names no setting, child or e-mail address: whoever holds the phone may not be
the Key Adult.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from encompass.alerts.ack import link_for_token
from encompass.alerts.blueprint import bp
from encompass.auth import ratelimit
from encompass.auth.access import public
from encompass.db import utcnow
from encompass.models import AlertLink, KeyAdult
from encompass.onboarding.invitations import accepted, account_for, invite
from encompass.policies import policies
from encompass.records import audit

# Resends from one alert link per RATE_LIMIT_WINDOW_MINUTES: each e-mail ends the last link.
RESENDS_PER_LINK = 3


class ResendForm(FlaskForm):
    """Only a CSRF token: the POST itself is the request."""


def check_your_email(link: AlertLink, now: datetime, status: int = 200) -> Any:
    audit.record(
        g.db,
        "alert_link.check_email",
        object_type="alert_link",
        object_id=link.id,
        detail="no password yet, mobile not verified: asked to use the invitation e-mail",
        at=now,
    )
    return render_template(
        "accounts/check_invitation.html", form=ResendForm(), token_path=request.path
    ), status


@bp.post("/a/<token>/invitation")
@public
def resend_invitation(token: str) -> Any:
    """Send the invitation again, to the e-mail address on record (never one typed here)."""
    now = utcnow()
    link = link_for_token(g.db, token, now)
    adult = g.db.get(KeyAdult, link.key_adult_id) if link is not None else None
    if link is None or adult is None or not adult.active or not ResendForm().validate_on_submit():
        abort(404)
    back = url_for("alerts.open_link", token=token)
    if accepted(account_for(g.db, adult, now=now)):
        return redirect(url_for("accounts.login", next=back))
    window = policies().invitations.window
    sent = ratelimit.hit(g.db, ratelimit.bucket("invitation-resend", str(link.id)), window, now)
    if sent > RESENDS_PER_LINK:
        flash(
            _(
                "Your invitation was sent a few times already: check your junk or spam folder, "
                "or ask your council's Operation Encompass coordinator"
            ),
            "important",
        )
        return redirect(back)
    invite(g.db, adult, policies().invitations, now=now, again=True)
    flash(_("We have sent your invitation again. It can take a few minutes to arrive."))
    return redirect(back)
