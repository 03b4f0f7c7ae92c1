"""POST /twilio/status: Twilio's delivery reports, signature checked against PUBLIC_BASE_URL."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request
from sqlmodel import select
from twilio.request_validator import RequestValidator

from encompass.auth.access import twilio_signature
from encompass.config import installed
from encompass.db import utcnow
from encompass.delivery.attempts import DeliveryPolicy
from encompass.delivery.status import TWILIO_STATUSES
from encompass.lifecycles.delivery import DELIVERED, DELIVERY
from encompass.models import Delivery

bp = Blueprint("twilio", __name__, url_prefix="/twilio")


@bp.post("/status")
@twilio_signature
def status() -> Any:
    policy = installed(DeliveryPolicy)
    token = policy.twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    url = policy.base_url + request.full_path.rstrip("?")
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
    assert delivery.id is not None
    now = utcnow()
    DELIVERY.move(
        g.db,
        delivery.id,
        new_status,
        error_code=request.form.get("ErrorCode") or delivery.error_code,
        delivered_at=now if new_status == DELIVERED else delivery.delivered_at,
        updated_at=now,
    )
    return "", 204
