"""The admin blueprint and what its pages share: the user's council scope, objects in it."""

from __future__ import annotations

from flask import Blueprint, abort, g
from flask_login import current_user

from encompass.models import KeyAdult, Setting

bp = Blueprint("admin", __name__, url_prefix="/admin")


def council_scope() -> str | None:
    """None means every council (admins); a coordinator is held to their own."""
    return None if current_user.role == "admin" else (current_user.la_code or "")


def setting_or_404(setting_id: int) -> Setting:
    """A setting in the user's scope; one in another council is simply not found."""
    setting = g.db.get(Setting, setting_id)
    scope = council_scope()
    if setting is None or (scope is not None and setting.la_code != scope):
        abort(404)
    return setting


def key_adult_or_404(adult_id: int) -> tuple[KeyAdult, Setting]:
    adult = g.db.get(KeyAdult, adult_id)
    if adult is None or adult.setting_id is None or not adult.active:
        abort(404)
    return adult, setting_or_404(adult.setting_id)
