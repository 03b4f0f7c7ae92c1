"""Sign-in and sign-out: argon2 passwords, an authenticator app, lockout, idle timeout.

Sign-in is two steps for anyone with an authenticator app (required for the roles in
TOTP_REQUIRED_ROLES, offered to everyone else at /account/two-factor): the password
puts a "pending" user in the session, and only a right code signs them in. A user of a
required role with no app yet sets one up in that second step.

Failed passwords and codes count against the account (LOGIN_MAX_FAILURES, then locked
for RATE_LIMIT_WINDOW_MINUTES) and against the address (LOGIN_FAILURES_PER_ADDRESS); the
counters live in the database so every web process sees them. Accounts are counted by
the e-mail address typed, known or not, so a lock says nothing about who has an account.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlmodel import select
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email

from encompass.auth import device_cookie, ratelimit, sessions, two_factor
from encompass.auth.access import (
    TWO_FACTOR_DONE,
    public,
    role_required,
    two_factor_required,
)
from encompass.auth.passwords import verify_password
from encompass.auth.policy import access_policy, sign_in_policy
from encompass.db import utcnow
from encompass.models import User
from encompass.models.people import USER_ROLES
from encompass.records import audit

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()

# The password was right; the code is still to come: {"user_id", "at", "next"}.
PENDING = "pending_sign_in"
PENDING_SECONDS = 300


@dataclass
class SignedIn(UserMixin):
    """The signed-in user as views see them: ids and role, no password hash."""

    id: int
    email: str
    role: str
    setting_id: int | None
    force_id: int | None
    la_code: str | None
    # "cy" or "en" (pages and messages follow it); None until they have chosen.
    language: str | None = None

    def get_id(self) -> str:
        return str(self.id)


def _signed_in(user: User) -> SignedIn:
    assert user.id is not None
    return SignedIn(
        user.id,
        user.email,
        user.role,
        user.setting_id,
        user.force_id,
        user.la_code,
        user.language,
    )


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Sign in to continue.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        if not user_id.isdigit():
            return None
        user = g.db.get(User, int(user_id))
        return _signed_in(user) if user is not None and user.active else None

    app.before_request(_end_idle_session)


def _end_idle_session() -> None:
    """Sign out a session that was ended on the server (signed out, deactivated, reset), or
    idle for SESSION_IDLE_MINUTES, or older than SESSION_MAX_HOURS.

    Checked against the server's record on every request: a copied cookie stops too.
    """
    user_id = session.get("_user_id")
    if user_id is None:
        return
    policy = sign_in_policy()
    why = (
        sessions.check(
            g.db,
            session.get(sessions.SESSION_ID),
            int(user_id),
            utcnow(),
            idle=policy.idle,
            longest=policy.longest,
        )
        if str(user_id).isdigit()
        else "ended"
    )
    if why is None:
        return
    logout_user()
    session.clear()
    if why == "idle":
        flash(_("You were signed out because you had not used the service for a while."))
    else:
        flash(_("You have been signed out. Sign in again to continue."))


class LoginForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[
            DataRequired(lazy_gettext("Enter your email address")),
            Email(lazy_gettext("Enter an email address like name@example.org")),
        ],
    )
    password = PasswordField(
        lazy_gettext("Password"), validators=[DataRequired(lazy_gettext("Enter your password"))]
    )


class CodeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Code from your authenticator app"),
        description=lazy_gettext("The 6-digit code the app shows now"),
        validators=[
            DataRequired(lazy_gettext("Enter the 6-digit code from your authenticator app"))
        ],
    )
    # Shown when REMEMBER_DEVICE_HOURS is on; its label says until when.
    remember = BooleanField(
        lazy_gettext("Do not ask for a code on this device for the rest of the day")
    )


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would turn an alert link into a phishing lure."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    return target


def _window() -> timedelta:
    return access_policy().window


def _address_bucket() -> str:
    return ratelimit.bucket("signin-address", request.remote_addr or "")


def _locked(email: str) -> bool:
    return ratelimit.over(g.db, ratelimit.account_bucket(email), sign_in_policy().lockout, utcnow())


def _address_blocked() -> bool:
    limit = access_policy().login_failures_per_address
    return ratelimit.count(g.db, _address_bucket(), _window(), utcnow()) >= limit


def _count_failure(email: str) -> None:
    now = utcnow()
    ratelimit.hit(g.db, ratelimit.account_bucket(email), _window(), now)
    ratelimit.hit(g.db, _address_bucket(), _window(), now)


def _lock_message() -> str:
    minutes = int(_window().total_seconds() // 60)
    return _(
        "Too many failed attempts to sign in. Wait %(minutes)s minutes and try again, or ask "
        "your council's Operation Encompass coordinator to unlock your account",
        minutes=minutes,
    )


def _complete_sign_in(
    user: User, *, with_code: bool, next_url: str | None, how: str | None = None
) -> Any:
    assert user.id is not None
    ratelimit.clear(g.db, ratelimit.account_bucket(user.email))
    user.last_login_at = utcnow()
    g.db.add(user)
    audit.record(
        g.db,
        "signin.ok",
        user_id=user.id,
        detail=how or ("password and authenticator app" if with_code else "password"),
    )
    session_id = sessions.start(g.db, user.id, utcnow())
    # A fresh session at every sign-in: nothing from before it carries over.
    session.clear()
    login_user(_signed_in(user))
    session[sessions.SESSION_ID] = session_id
    session[TWO_FACTOR_DONE] = with_code
    return redirect(next_url or url_for("web.home"))


def begin_sign_in(user: User, next_url: str | None) -> Any:
    """The password is right: on to the authenticator-app step when the user has one or
    their role needs one (set up there the first time), else signed in now. A device the
    user remembered after a right code, earlier in the working day, stands for the code."""
    device = device_cookie.this_device(g.db, user)
    if device is not None:
        device.last_used_at = utcnow()
        g.db.add(device)
        return _complete_sign_in(
            user, with_code=True, next_url=next_url, how="password and remembered device"
        )
    if user.totp_enabled_at is not None or two_factor_required(user.role):
        session[PENDING] = {"user_id": user.id, "at": int(time.time()), "next": next_url}
        return redirect(url_for("accounts.two_factor_sign_in"))
    return _complete_sign_in(user, with_code=False, next_url=next_url)


def _sign_in_page(form: LoginForm, status: int) -> Any:
    """The sign-in page. Reached from an alert link (next=/a/...), it says a notification is
    waiting, and nothing more about it: see the README's "Sign-in policy"."""
    next_url = safe_next(request.args.get("next"))
    return (
        render_template(
            "accounts/login.html",
            form=form,
            next_url=next_url,
            alert_waiting=bool(next_url and next_url.startswith("/a/")),
        ),
        status,
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        return _sign_in_page(form, 200 if not form.errors else 400)
    email = (form.email.data or "").strip().lower()
    if _address_blocked() or _locked(email):
        audit.record(g.db, "signin.locked", detail="too many failed attempts")
        form.password.errors = [*form.password.errors, _lock_message()]
        return _sign_in_page(form, 429)
    user = g.db.exec(select(User).where(User.email == email)).first()
    ok = verify_password(user.password_hash if user else None, form.password.data or "")
    if user is not None and user.active and ok:
        return begin_sign_in(user, next_url)
    _count_failure(email)
    audit.record(
        g.db,
        "signin.failed",
        user_id=user.id if user else None,
        detail="unknown account" if user is None else "wrong password or inactive",
    )
    form.password.errors = list(form.password.errors) + [
        _("The email address or password is not right")
    ]
    return _sign_in_page(form, 400)


def _pending_user() -> tuple[User | None, str | None]:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None, None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None, None
    user = g.db.get(User, int(pending.get("user_id", 0)))
    if user is None or not user.active:
        return None, None
    return user, safe_next(pending.get("next"))


def _two_factor_page(
    user: User, form: CodeForm, status: int = 200, *, remember: bool = False, **extra: Any
) -> Any:
    enrolling = user.totp_enabled_at is None
    secret = user.totp_secret or ""
    uri = (
        two_factor.otpauth_uri(secret, user.email, access_policy().totp_issuer) if enrolling else ""
    )
    until = device_cookie.remember_until() if remember else ""
    if until:
        form.remember.label.text = _(
            "Do not ask for a code on this device until %(until)s", until=until
        )
    return (
        render_template(
            "accounts/two_factor.html",
            form=form,
            enrolling=enrolling,
            secret=two_factor.spaced(secret) if enrolling else "",
            otpauth_uri=uri,
            # segno's SVG is paths only: nothing of the URI is in it as text.
            qr_code=Markup(two_factor.qr_svg(uri)) if uri else "",  # noqa: S704  # nosec B704
            remember_until=until,
            **extra,
        ),
        status,
    )


def _ensure_secret(user: User) -> None:
    """A secret waiting to be confirmed: shown on the set-up page until a code matches it."""
    if user.totp_enabled_at is None and not user.totp_secret:
        user.totp_secret = two_factor.new_secret()
        g.db.add(user)


def _check_code(user: User, form: CodeForm, action: str) -> bool:
    """Spend a right code; count a wrong one as a failed sign-in. Errors go on the form."""
    now = utcnow()
    if _locked(user.email):
        audit.record(g.db, "signin.locked", user_id=user.id, detail="too many failed attempts")
        form.code.errors = [_lock_message()]
        return False
    if two_factor.use_code(g.db, user, form.code.data or "", now):
        if user.totp_enabled_at is None:
            user.totp_enabled_at = now
            g.db.add(user)
            audit.record(
                g.db, "two_factor.enrolled", user_id=user.id, object_type="user", object_id=user.id
            )
        return True
    _count_failure(user.email)
    audit.record(g.db, action, user_id=user.id, detail="wrong authenticator code")
    form.code.errors = [_("The code is not right: enter the code your app shows now")]
    return False


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def two_factor_sign_in() -> Any:
    """The second step: a code from the app (and, the first time, setting the app up)."""
    user, next_url = _pending_user()
    if user is None:
        flash(_("Sign in again: the sign-in was not finished in time."))
        return redirect(url_for("accounts.login"))
    _ensure_secret(user)
    form = CodeForm()
    if form.validate_on_submit():
        if _check_code(user, form, "signin.failed"):
            session.pop(PENDING, None)
            remember = bool(form.remember.data and sign_in_policy().remember_device)
            cookie = device_cookie.remember_this_device(g.db, user) if remember else None
            response = _complete_sign_in(user, with_code=True, next_url=next_url)
            return device_cookie.set_on(response, cookie) if cookie else response
        return _two_factor_page(user, form, 429 if _locked(user.email) else 400, remember=True)
    return _two_factor_page(user, form, 400 if form.errors else 200, remember=True)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@role_required(*USER_ROLES, two_factor=False)
def account_two_factor() -> Any:
    """Set up an authenticator app while signed in (offered to everyone)."""
    user = g.db.get(User, current_user.id)
    assert user is not None
    if user.totp_enabled_at is not None and session.get(TWO_FACTOR_DONE):
        return _two_factor_page(user, CodeForm(), done=True)
    _ensure_secret(user)
    form = CodeForm()
    if form.validate_on_submit():
        if _check_code(user, form, "two_factor.failed"):
            session[TWO_FACTOR_DONE] = True
            flash(
                _("Your authenticator app is set up: you will need a code each time you sign in.")
            )
            return redirect(url_for("web.home"))
        return _two_factor_page(user, form, 429 if _locked(user.email) else 400, signed_in=True)
    return _two_factor_page(user, form, 400 if form.errors else 200, signed_in=True)


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout() -> Any:
    if request.method == "POST":
        # CSRFProtect has already checked the form's token.
        if current_user.is_authenticated:
            # The server forgets the session: a copy of the cookie no longer signs anyone in.
            sessions.end(g.db, session.get(sessions.SESSION_ID), utcnow())
            audit.record(g.db, "signout", user_id=current_user.id)
        logout_user()
        session.clear()
        flash(_("You have signed out."))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/logout.html")
