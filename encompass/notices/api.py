"""POST, GET and PATCH (amend) /api/v1/notices, with per-force API keys."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlmodel import select
from werkzeug.exceptions import BadRequest

from encompass.auth.access import force_api_key, public
from encompass.db import utcnow
from encompass.models import Notice
from encompass.notices.amend import AmendmentInvalid, amend_notice
from encompass.notices.present import notice_for_force, notice_out
from encompass.notices.schemas import NoticeAmendmentIn, NoticeIn
from encompass.notices.service import IntakeConfig, NoticeDiffers, submit_notice
from encompass.notices.wording import field_errors
from encompass.policies import policies
from encompass.records import audit

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def intake_config() -> IntakeConfig:
    run = policies()
    return IntakeConfig(school_day_start=run.school_day_start, alerts=run.alerts, review=run.review)


def _error(status: int, code: str, message: str, **extra: Any) -> tuple[dict[str, Any], int]:
    return {"error": code, "message": message, **extra}, status


def _json_object() -> dict[str, Any] | tuple[dict[str, Any], int]:
    """The request's JSON object, or the error answer to give instead."""
    if not request.is_json:
        return _error(415, "unsupported_media_type", _("Send the notice as application/json."))
    try:
        body = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nested too deep to parse
        return _error(400, "malformed_json", _("The request body is not valid JSON."))
    if not isinstance(body, dict):
        return _error(
            422,
            "invalid",
            _("The notice must be a JSON object."),
            errors={"body": [_("Expected an object")]},
        )
    return body


def _amend_route(notice_id: int | None) -> str:
    return f"PATCH /api/v1/notices/{notice_id}"


@bp.post("/notices")
@force_api_key
def create_notice() -> Any:
    body = _json_object()
    if isinstance(body, tuple):
        return body
    now = utcnow()
    try:
        data = NoticeIn.model_validate(body, context={"now": now})
    except ValidationError as exc:
        return _error(422, "invalid", _("The notice has errors."), errors=field_errors(exc))
    try:
        submitted = submit_notice(g.db, g.force.id, data, now=now, cfg=intake_config())
    except NoticeDiffers as exc:
        g.db.rollback()
        route = _amend_route(exc.notice.id)
        return _error(
            409,
            "conflict",
            _(
                "Notice %(reference)s was already sent with different details. To add a child "
                "or correct a child's details, use %(route)s.",
                reference=exc.notice.police_reference,
                route=route,
            ),
            notice_id=exc.notice.id,
            amend=route,
        )
    if not submitted.created:
        _audit_view(submitted.notice.id, "sent again")
        return notice_for_force(g.db, submitted.notice), 200
    # What was just stored, as it stands at commit: no need to read it back.
    answer = notice_out(
        submitted.notice,
        ((p.child, p.setting, p.alert) for p in submitted.children),
        also={
            p.child.id: p.also_alerts
            for p in submitted.children
            if p.also_alerts and p.child.id is not None
        },
    )
    return answer, 201


def _audit_view(notice_id: int | None, detail: str = "") -> None:
    audit.record(
        g.db,
        "notice.viewed",
        force_id=g.force.id,
        object_type="notice",
        object_id=notice_id,
        detail=f"API key {g.api_key.prefix}...{'; ' + detail if detail else ''}",
    )


# One rule for both methods: with two, werkzeug answers an id past the database's range
# with 405 for one of them instead of 404.
@bp.route("/notices/<int:notice_id>", methods=["GET", "PATCH"])
@force_api_key
def notice(notice_id: int) -> Any:
    return amend(notice_id) if request.method == "PATCH" else get_notice(notice_id)


def get_notice(notice_id: int) -> Any:
    notice = g.db.exec(
        select(Notice).where(Notice.id == notice_id, Notice.force_id == g.force.id)
    ).first()
    if notice is None:
        return _error(404, "not_found", _("No such notice for this force."))
    _audit_view(notice.id)
    return notice_for_force(g.db, notice)


def amend(notice_id: int) -> Any:
    """Add a child, or correct a child's details, on a notice this force sent."""
    notice = g.db.exec(
        select(Notice).where(Notice.id == notice_id, Notice.force_id == g.force.id)
    ).first()
    if notice is None:
        return _error(404, "not_found", _("No such notice for this force."))
    body = _json_object()
    if isinstance(body, tuple):
        return body
    now = utcnow()
    try:
        data = NoticeAmendmentIn.model_validate(body, context={"now": now})
        amended = amend_notice(g.db, notice, data, now=now, cfg=intake_config())
    except ValidationError as exc:
        return _error(422, "invalid", _("The amendment has errors."), errors=field_errors(exc))
    except AmendmentInvalid as exc:
        g.db.rollback()
        return _error(422, "invalid", _("The amendment has errors."), errors=exc.errors)
    if not amended.changed:
        _audit_view(notice.id, "amendment changed nothing")
    return notice_for_force(g.db, notice), 200


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    from encompass.notices.openapi import document

    return document(policies().alerts.base_url)
