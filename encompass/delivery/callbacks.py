"""POST /twilio/status: Twilio's delivery reports, signature checked against PUBLIC_BASE_URL."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, request
from sqlmodel import select
from twilio.request_validator import RequestValidator

from encompass.auth.access import twilio_signature
from encompass.db import utcnow
from encompass.delivery.status import DELIVERED, TWILIO_STATUSES, can_move
from encompass.models import Delivery

bp = Blueprint("twilio", __name__, url_prefix="/twilio")


@bp.post("/status")
@twilio_signature
def status() -> Any:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    url = current_app.config["PUBLIC_BASE_URL"] + request.full_path.rstrip("?")
    if (
        not token
        or not signature
        or not RequestValidator(token).validate(url, request.form.to_dict(), signature)
    ):
        return {"error": "forbidden", "message": "Bad or missing Twilio signature."}, 403
    sid = request.form.get("MessageSid") or request.form.get("CallSid")
    twilio_status = request.form.get("MessageStatus") or request.form.get("CallStatus") or ""
    new_status = TWILIO_STATUSES.get(twilio_status)
    delivery = (
        g.db.exec(select(Delivery).where(Delivery.provider_id == sid)).first() if sid else None
    )
    if delivery is None or new_status is None:
        return "", 204
    # Callbacks arrive out of order and more than once: a final state is never undone.
    if can_move(delivery.status, new_status):
        delivery.status = new_status
        delivery.error_code = request.form.get("ErrorCode") or delivery.error_code
        if new_status == DELIVERED:
            delivery.delivered_at = utcnow()
        delivery.updated_at = utcnow()
        g.db.add(delivery)
        g.db.commit()
    return "", 204
