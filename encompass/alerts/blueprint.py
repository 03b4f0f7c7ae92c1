"""The alert pages' blueprint, and the alert a signed-in reader may see (or 404).

views.py and presentation_pages.py register their pages on it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g
from flask_login import current_user

from encompass.alerts.ack import alert_for_reader
from encompass.models import Child, Notice, Setting
from encompass.notices.amend import changed_words

bp = Blueprint("alerts", __name__)
# ["date_of_birth", "where"] -> "date of birth, where the child was" (police pages too).
bp.add_app_template_filter(changed_words, "amended_fields")


def reader_alert(alert_id: int) -> Any:
    """The alert if the signed-in user may read it, else None."""
    return alert_for_reader(
        g.db,
        alert_id,
        role=current_user.role,
        setting_id=current_user.setting_id,
        la_code=current_user.la_code,
        user_id=current_user.id,
    )


def load_alert(alert_id: int) -> tuple[Any, Child, Notice, Setting]:
    """The alert the user may read, its child, notice and setting; 404 otherwise."""
    alert = reader_alert(alert_id)
    if alert is None:
        abort(404)
    child = g.db.get(Child, alert.child_id)
    notice = g.db.get(Notice, child.notice_id)
    setting = g.db.get(Setting, alert.setting_id)
    return alert, child, notice, setting
