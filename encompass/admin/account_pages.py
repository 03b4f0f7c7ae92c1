"""What a coordinator (their council's settings) or an administrator can do for a Key
Adult who cannot sign in, from the setting's page: e-mail a link to choose a new password,
reset the authenticator app (a lost phone), and unlock an account locked by failed tries.
Re-inviting, signing out everywhere and deactivating are in settings_pages.py.

Each is a POST with a CSRF token, audited with who did it, and limited to a setting Key
Adult's own account (never an administrator's or a coordinator's): anything else, or a
Key Adult in another council, is not found. An administrator does the same for a
council's coordinators at /admin/coordinators.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from encompass.admin.blueprint import bp, key_adult_or_404
from encompass.admin.forms import RemoveForm
from encompass.auth.access import role_required
from encompass.auth.users import locked, reset_two_factor, unlock
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


def _send_reset(user: User, name: str) -> str:
    """E-mail a link to choose a new password (whoever sends it never sees it)."""
    send_reset(g.db, user, policies().invitations, now=utcnow(), sent_by=current_user.id)
    return _("A link to choose a new password is on its way to %(email)s", email=user.email)


def _reset_app(user: User, name: str) -> str:
    """Forget the authenticator app: signed out everywhere, a new app at the next sign-in."""
    reset_two_factor(g.db, user, now=utcnow(), by=current_user.id)
    return _(
        "%(name)s's authenticator app is reset and they are signed out everywhere: "
        "they can set up a new app after signing in with their password",
        name=name,
    )


def _unlock(user: User, name: str) -> str:
    unlock(g.db, user, now=utcnow(), by=current_user.id)
    return _("%(name)s's account is unlocked: they can sign in again now", name=name)


ACTIONS = {"password-reset": _send_reset, "two-factor-reset": _reset_app, "unlock": _unlock}


def _action(name: str) -> Any:
    if name not in ACTIONS:
        abort(404)
    return ACTIONS[name]


@bp.post("/key-adults/<int:adult_id>/<action>")
@role_required(*COORDINATORS)
def key_adult_account(adult_id: int, action: str) -> Any:
    """One of ACTIONS for a setting's Key Adult, by their council's coordinator or an admin."""
    do = _action(action)
    adult, found, user = _account_or_404(adult_id)
    message = do(user, adult.name)
    flash(message)
    return redirect(url_for("admin.setting", setting_id=found.id))


@bp.get("/coordinators")
@role_required("admin")
def coordinators() -> Any:
    """Administrators help a council's coordinator who cannot sign in (a lost phone)."""
    now = utcnow()
    found = list(
        g.db.exec(
            select(User)
            .where(User.role == "coordinator")
            .order_by(col(User.la_code), col(User.email))
        )
    )
    lockout = policies().sign_in.lockout
    return render_template(
        "admin/coordinators.html",
        coordinators=found,
        locked={u.id for u in found if locked(g.db, u, now=now, limit=lockout)},
    )


@bp.post("/users/<int:user_id>/<action>")
@role_required("admin")
def coordinator_account(user_id: int, action: str) -> Any:
    """One of ACTIONS for a coordinator's account, by an administrator only."""
    do = _action(action)
    user = g.db.get(User, user_id)
    if user is None or user.role != "coordinator" or not user.active:
        abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    message = do(user, user.email)
    flash(message)
    return redirect(url_for("admin.coordinators"))
