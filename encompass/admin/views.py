"""Admin and coordinator pages. A coordinator sees their own council only.

The blueprint is here; its pages are in the modules imported at the bottom: settings and
Key Adults, GIAS imports, alerts needing attention, coverage, reports.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template
from flask_login import current_user

from encompass.admin.coverage import coverage
from encompass.auth.access import role_required
from encompass.db import utcnow
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


@bp.get("/coverage")
@role_required("admin", "coordinator")
def coverage_page() -> Any:
    rows = coverage(g.db, council_scope(), today=utcnow().date())
    with_problems = [r for r in rows if r.problems]
    return render_template("admin/coverage.html", rows=with_problems, total=len(rows))


# The pages register themselves on `bp` when imported.
from encompass.admin import (  # noqa: E402,F401
    access_pages,
    attention_pages,
    calendar_pages,
    import_pages,
    reports_pages,
    settings_pages,
)
