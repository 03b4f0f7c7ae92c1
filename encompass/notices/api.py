"""POST /api/v1/notices and GET /api/v1/notices/<id>, with per-force API keys."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, request
from pydantic import ValidationError
from werkzeug.exceptions import BadRequest

from encompass.alerts.policy import AlertPolicy
from encompass.db import utcnow
from encompass.models import Notice
from encompass.notices.present import notice_for_force
from encompass.notices.schemas import NoticeIn, field_errors
from encompass.notices.service import IntakeConfig, submit_notice
from encompass.review.policy import ReviewPolicy
from encompass.security import force_api_key, public

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def intake_config() -> IntakeConfig:
    cfg = current_app.config
    return IntakeConfig(
        school_day_start=cfg["SCHOOL_DAY_START"],
        alerts=AlertPolicy.from_config(cfg),
        review=ReviewPolicy.from_config(cfg),
    )


def _error(status: int, code: str, message: str, **extra: Any) -> tuple[dict[str, Any], int]:
    return {"error": code, "message": message, **extra}, status


@bp.post("/notices")
@force_api_key
def create_notice() -> Any:
    if not request.is_json:
        return _error(415, "unsupported_media_type", "Send the notice as application/json.")
    try:
        body = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: nested too deep to parse
        return _error(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return _error(
            422,
            "invalid",
            "The notice must be a JSON object.",
            errors={"body": ["Expected an object"]},
        )
    now = utcnow()
    try:
        data = NoticeIn.model_validate(body, context={"now": now})
    except ValidationError as exc:
        return _error(422, "invalid", "The notice has errors.", errors=field_errors(exc))
    notice, created = submit_notice(g.db, g.force.id, data, now=now, cfg=intake_config())
    g.db.commit()
    return notice_for_force(g.db, notice), 201 if created else 200


@bp.get("/notices/<int:notice_id>")
@force_api_key
def get_notice(notice_id: int) -> Any:
    notice = g.db.get(Notice, notice_id)
    if notice is None or notice.force_id != g.force.id:
        return _error(404, "not_found", "No such notice for this force.")
    return notice_for_force(g.db, notice)


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    from encompass.notices.openapi import document

    return document(current_app.config["PUBLIC_BASE_URL"])
