"""Sign-in and sign-out (Flask-Login, argon2 hashes, CSRF on the form)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from encompass import audit
from encompass.db import utcnow
from encompass.models import User
from encompass.security import public, verify_password

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()


@dataclass
class SignedIn(UserMixin):
    """The signed-in user as views see them: ids and role, no password hash."""

    id: int
    email: str
    role: str
    setting_id: int | None
    force_id: int | None
    la_code: str | None

    def get_id(self) -> str:
        return str(self.id)


def _signed_in(user: User) -> SignedIn:
    assert user.id is not None
    return SignedIn(user.id, user.email, user.role, user.setting_id, user.force_id, user.la_code)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str) -> SignedIn | None:
        if not user_id.isdigit():
            return None
        user = g.db.get(User, int(user_id))
        return _signed_in(user) if user is not None and user.active else None


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address like name@example.org"),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would turn an alert link into a phishing lure."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm()
    next_url = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = g.db.exec(select(User).where(User.email == email)).first()
        ok = verify_password(user.password_hash if user else None, form.password.data or "")
        if user is not None and user.active and ok:
            user.last_login_at = utcnow()
            g.db.add(user)
            audit.record(g.db, "signin.ok", user_id=user.id, remote_addr=request.remote_addr or "")
            g.db.commit()
            login_user(_signed_in(user))
            return redirect(next_url or url_for("web.home"))
        audit.record(
            g.db,
            "signin.failed",
            user_id=user.id if user else None,
            remote_addr=request.remote_addr or "",
            detail="unknown account" if user is None else "wrong password or inactive",
        )
        g.db.commit()
        form.password.errors = list(form.password.errors) + [
            "The email address or password is not right"
        ]
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout() -> Any:
    if request.method == "POST":
        # CSRFProtect has already checked the form's token.
        if current_user.is_authenticated:
            audit.record(
                g.db, "signout", user_id=current_user.id, remote_addr=request.remote_addr or ""
            )
            g.db.commit()
        logout_user()
        flash("You have signed out.")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/logout.html")
