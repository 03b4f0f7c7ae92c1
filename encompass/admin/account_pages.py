"""What a coordinator (their council's settings) or an administrator can do for a Key
Adult who cannot sign in, from the setting's page: e-mail a link to choose a new password,
reset the authenticator app (a lost phone), and unlock an account locked by failed tries.
Re-inviting, signing out everywhere and deactivating are in settings_pages.py.

Each is a POST with a CSRF token, audited with who did it, and limited to a setting Key
Adult's own account (never an administrator's or a coordinator's): anything else, or a
Key Adult in another council, is not found.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, url_for
from flask_login import current_user

from encompass.admin.blueprint import bp, key_adult_or_404
from encompass.admin.forms import RemoveForm
from encompass.auth.access import role_required
from encompass.auth.users import reset_two_factor, unlock
from encompass.db import utcnow
from encompass.models import KeyAdult, Setting, User
from encompass.onboarding.password_resets import send_reset
from encompass.policies import policies

COORDINATORS = ("admin", "coordinator")


def _account_or_404(adult_id: int) -> tuple[KeyAdult, Setting, User]:
    """The Key Adult (in the user's council), their setting, and their own active account."""
    adult, found = key_adult_or_404(adult_id)
    user = g.db.get(User, adult.user_id) if adult.user_id else None
    if user is None or user.role != "dsl" or not user.active:
        abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    return adult, found, user


def _back(found: Setting) -> Any:
    return redirect(url_for("admin.setting", setting_id=found.id))


@bp.post("/key-adults/<int:adult_id>/password-reset")
@role_required(*COORDINATORS)
def key_adult_password_reset(adult_id: int) -> Any:
    """E-mail the Key Adult a link to choose a new password (the coordinator never sees it)."""
    adult, found, user = _account_or_404(adult_id)
    send_reset(g.db, user, policies().invitations, now=utcnow(), sent_by=current_user.id)
    g.db.commit()
    flash(f"A link to choose a new password is on its way to {user.email}")
    return _back(found)


@bp.post("/key-adults/<int:adult_id>/two-factor-reset")
@role_required(*COORDINATORS)
def key_adult_two_factor_reset(adult_id: int) -> Any:
    """Forget the authenticator app: signed out everywhere, a new app at the next sign-in."""
    adult, found, user = _account_or_404(adult_id)
    reset_two_factor(g.db, user, now=utcnow(), by=current_user.id)
    g.db.commit()
    flash(
        f"{adult.name}'s authenticator app is reset and they are signed out everywhere: "
        "they can set up a new app after signing in with their password"
    )
    return _back(found)


@bp.post("/key-adults/<int:adult_id>/unlock")
@role_required(*COORDINATORS)
def key_adult_unlock(adult_id: int) -> Any:
    adult, found, user = _account_or_404(adult_id)
    unlock(g.db, user, now=utcnow(), by=current_user.id)
    g.db.commit()
    flash(f"{adult.name}'s account is unlocked: they can sign in again now")
    return _back(found)
