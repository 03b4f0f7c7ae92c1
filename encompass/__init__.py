"""Encompass: Operation Encompass notices from police to schools before the next school day."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from flask import Flask, g, jsonify, request
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import PendingRollbackError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from encompass import policies
from encompass.config import environment
from encompass.db import UNAVAILABLE, make_engine, unavailable
from encompass.encryption import keyring
from encompass.records import log_format, log_redaction

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("encompass.web")
# What a 503 asks clients (police systems, Twilio) to wait before trying again.
RETRY_AFTER_SECONDS = 5


def site_dir(name: str) -> Path:
    """`templates` or `static`: the installed package's copy (setup.py puts them in the
    wheel, GOV.UK Frontend's files included), else the checkout's own folder."""
    packaged = Path(__file__).resolve().parent / "site" / name
    return packaged if packaged.is_dir() else ROOT / name


csrf = CSRFProtect()


def create_app(
    profile: str | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    read_env_file: bool = True,
) -> Flask:
    """The app factory: configuration, extensions, blueprints; nothing else."""
    if read_env_file:
        load_dotenv(Path.cwd() / ".env")
    values = environment.load(profile, overrides)
    app = Flask(
        __name__,
        template_folder=str(site_dir("templates")),
        static_folder=str(site_dir("static")),
        instance_path=str(Path(values["INSTANCE_DIR"]).resolve()),
    )
    app.config.update(values)
    # <int:...> in every route: ids past a database integer are not found, not a 500.
    app.url_map.converters["int"] = DatabaseId
    log_format.configure(str(values["LOG_FORMAT"]))  # text, or JSON with LOG_FORMAT=json
    log_redaction.install()  # alert links in any log line keep only their first characters
    logging.getLogger("twilio").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    app.extensions["encompass_engine"] = make_engine(values["DATABASE_URL"])
    policies.install(app)  # every typed policy, read from the configuration once
    # Personal free text is encrypted at rest with these keys (encryption.py).
    keyring.configure(values.get("ENCOMPASS_DATA_KEYS"))
    if int(values.get("TRUSTED_PROXY_COUNT") or 0):
        # request.remote_addr (rate limits, audit) must be the client, not the proxy.
        n = int(values["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    # Our hooks first: the session must exist before CSRFProtect can refuse a request.
    from encompass.web import request_log

    request_log.init_app(app)
    _install_request_hooks(app)
    csrf.init_app(app)

    from encompass.admin import views as admin_views
    from encompass.alerts import views as alert_views
    from encompass.auth import account_pages, signin  # noqa: F401 - account pages, on signin.bp
    from encompass.delivery import callbacks
    from encompass.dsl import views as dsl_views
    from encompass.notices import api
    from encompass.onboarding import (
        invitation_pages,
        password_reset_pages,  # noqa: F401 - its pages, on invitations
    )
    from encompass.operations import views as operations_views
    from encompass.police import views as police_views
    from encompass.review import views as review_views
    from encompass.web import forms, frontend, headers, home, language

    signin.init_app(app)
    language.init_app(app)  # after sign-in: a signed-in person's choice is on their account
    headers.init_app(app)
    frontend.init_app(app)
    forms.init_app(app)
    for blueprint in (
        api.bp,
        signin.bp,
        invitation_pages.bp,
        alert_views.bp,
        callbacks.bp,
        home.bp,
        police_views.bp,
        dsl_views.bp,
        admin_views.bp,
        review_views.bp,
        operations_views.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)
    csrf.exempt(callbacks.bp)
    return app


def _too_large(limit: int | None) -> str:
    """A 413 that says what the limit is, in the units a person reads."""
    if not limit:
        return "The request is too large."
    size = f"{limit // 1024} KiB" if limit % 1024 == 0 else f"{limit} bytes"
    return f"The request is too large: the limit is {size} ({limit} bytes)."


class DatabaseId(IntegerConverter):
    """A row id: 0 to 2**31 - 1, the range of an INTEGER column on PostgreSQL."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _install_request_hooks(app: Flask) -> None:
    from sqlmodel import Session

    from encompass.auth.access import ACCESS_ATTR, access_decision
    from encompass.web.uploads import upload_limit

    # Flask's own static route is public by decision, not by omission.
    if "static" in app.view_functions:
        setattr(app.view_functions["static"], ACCESS_ATTR, "public")

    @app.before_request
    def _open_session_and_check_access() -> Any:
        g.db = Session(app.extensions["encompass_engine"], expire_on_commit=False)
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and access_decision(view) is None:
            # Deny by default: a route nobody decided on is nobody's route.
            return ("Forbidden", 403)
        limit = upload_limit(view)
        if limit is not None:
            request.max_content_length = limit
        return None

    @app.teardown_request
    def _close_session(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is None:
            return
        # On a connection the database dropped, even the rollback fails: the request has
        # been answered already, and the pool throws that connection away.
        try:
            if exc is not None:
                db.rollback()
        except SQLAlchemyError as error:
            log.warning("rollback after a failed request failed: %s", type(error).__name__)
        finally:
            try:
                db.close()
            except SQLAlchemyError as error:
                log.warning("closing the request's session failed: %s", type(error).__name__)

    def _database_away(exc: Exception) -> Any:
        """The database is away (restarting, failing over): a 503 that says to retry, as
        JSON for machines and a plain page for people; nothing of the request was stored
        (its transaction never committed)."""
        if not unavailable(exc):
            log.error("database error", exc_info=exc)
            return _http_error(InternalServerError(original_exception=exc))
        log.warning(
            "database unavailable: %s %s (%s)", request.method, request.path, type(exc).__name__
        )
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
        message = "The service cannot reach its database just now. Try again in a few seconds."
        if request.accept_mimetypes.accept_html and not request.path.startswith(
            ("/api/", "/twilio/", "/healthz", "/metrics")
        ):
            from flask import render_template
            from flask_babel import gettext

            # The page's language without the account (reading it needs the database).
            from encompass.web.language import language_without_account

            g.language = g.get("language") or language_without_account()
            message = gettext(
                "The service cannot reach its database just now. Try again in a few seconds."
            )
            return render_template("unavailable.html", message=message), 503, headers
        return jsonify(error="service_unavailable", message=message), 503, headers

    for error in (*UNAVAILABLE, PendingRollbackError):
        app.register_error_handler(error, _database_away)

    @app.after_request
    def _commit_the_request(response: Any) -> Any:
        """The request's one commit, after the view: what it did (an audit entry of a
        page read, a counted failed try) stands with its answer, a form error included.
        A view that gives up part-way rolls its work back itself; an unhandled error
        (500) commits nothing, and a commit the database cannot take is a 503."""
        db = g.get("db")
        if db is None or response.status_code >= 500:
            return response
        try:
            db.commit()
        except Exception as exc:
            if not isinstance(exc, (*UNAVAILABLE, PendingRollbackError)):
                raise
            try:
                db.rollback()
            except SQLAlchemyError as error:
                log.warning("rollback after a failed commit failed: %s", type(error).__name__)
            return app.make_response(_database_away(exc))
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if exc.code == 413:
            exc.description = _too_large(request.max_content_length)
        if request.path.startswith("/api/"):
            code = (exc.name or "error").lower().replace(" ", "_")
            return jsonify(error=code, message=exc.description), exc.code
        from flask import render_template

        return render_template("error.html", error=exc), exc.code
