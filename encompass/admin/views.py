"""Admin and coordinator pages. A coordinator sees their own council only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template
from flask_login import current_user

from encompass.admin.coverage import coverage
from encompass.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def council_scope() -> str | None:
    """None means every council (admins); a coordinator is held to their own."""
    return None if current_user.role == "admin" else (current_user.la_code or "")


@bp.get("/coverage")
@role_required("admin", "coordinator")
def coverage_page() -> Any:
    rows = coverage(g.db, council_scope())
    with_problems = [r for r in rows if r.problems]
    return render_template("admin/coverage.html", rows=with_problems, total=len(rows))
